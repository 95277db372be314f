/**
 * The token of an editor or admin, kept for this tab only (sessionStorage): never in the URL,
 * never in localStorage, gone when the tab closes.
 */
const KEY = 'ratify.token';

export function token(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage refused (a privacy setting): no token
  }
}

export function setToken(value: string | null): void {
  if (value) {
    sessionStorage.setItem(KEY, value);
  } else {
    sessionStorage.removeItem(KEY);
  }
}

/** Who the tab's token is, as the API says (`viewer`). */
export interface Viewer {
  name: string;
  role: 'EDITOR' | 'ADMIN';
}
