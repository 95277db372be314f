import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { MAX_PAGE_SIZE, pageRequest, type PageRequest } from '../common/pagination.js';
import { EVENT_CURSOR } from '../events/entities/agreement-event.entity.js';

/** The longest `after` the timeline accepts (PageArgs). */
const MAX_CURSOR_LENGTH = 200;

/**
 * The page of `timeline` that the selection of an agreement field asks for, worked out before the
 * timeline's own resolver runs, so that the agreement and its events can be read together
 * (`AgreementsService.findWithTimeline`). Only when the selection holds exactly one `timeline`
 * field (fragments included), with no @include or @skip on the way to it, whose arguments make a
 * page the timeline accepts (sizes 1 to MAX_PAGE_SIZE, a cursor of events). Anything else gives
 * null, and the timeline reads its page itself; either way its resolver validates its arguments
 * as ever, and uses what was read ahead only for the same page.
 */
export function timelineAsked(info: GraphQLResolveInfo): PageRequest | null {
  const type = getNamedType(info.returnType);
  const field = isObjectType(type) ? type.getFields().timeline : undefined;
  if (!field) {
    return null;
  }
  const found: FieldNode[] = [];
  const seen = new Set<string>();
  let conditional = false;
  const collect = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === 'timeline') {
          found.push(selection);
          conditional ||= Boolean(selection.directives?.length);
        }
        continue;
      }
      conditional ||= Boolean(selection.directives?.length);
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        collect(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) {
    collect(node.selectionSet);
  }
  if (found.length !== 1 || conditional) {
    return null;
  }
  try {
    const args = getArgumentValues(field, found[0], info.variableValues) as {
      first: number;
      last?: number | null;
      after?: string | null;
    };
    const sizes = [args.first, args.last ?? 1];
    if (
      !sizes.every((size) => Number.isInteger(size) && size >= 1 && size <= MAX_PAGE_SIZE) ||
      (args.after?.length ?? 0) > MAX_CURSOR_LENGTH
    ) {
      return null;
    }
    return pageRequest(EVENT_CURSOR, args);
  } catch {
    return null; // an argument the timeline refuses: it says so itself
  }
}
