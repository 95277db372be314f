import { describe, expect, it } from '@jest/globals';
import type { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { ErrorCode } from './domain-error.js';
import {
  decimalPlaces,
  InputValidationPipe,
  MaxDecimalPlaces,
  Trim,
  validated,
} from './validation.js';

class PartyLike {
  @IsString()
  @MaxLength(20)
  name: string;
}

class InputLike {
  @Trim()
  @IsString()
  @MaxLength(40)
  title: string;

  @ValidateNested({ each: true })
  @Type(() => PartyLike)
  parties: PartyLike[];

  @IsOptional()
  @IsInt()
  count?: number;
}

const pipe = new InputValidationPipe();
const arg = (metatype: ArgumentMetadata['metatype'], data?: string): ArgumentMetadata => ({
  type: 'body',
  metatype,
  data,
});

const loneSurrogate = (path: string) =>
  `${path} must be well-formed Unicode (it contains a lone surrogate)`;

const refusal = (fields: Record<string, unknown>) =>
  expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT, details: { fields } });

describe('InputValidationPipe', () => {
  it('refuses a lone surrogate at any depth of an input, naming each field by its path', async () => {
    const input = {
      title: '\ud800abc',
      parties: [{ name: 'United States' }, { name: 'Korea\udc00' }, { name: '\udd1e\ud834' }],
      count: 2,
    };
    await expect(pipe.transform(input, arg(InputLike, 'input'))).rejects.toEqual(
      refusal({
        title: loneSurrogate('title'),
        'parties.1.name': loneSurrogate('parties.1.name'),
        'parties.2.name': loneSurrogate('parties.2.name'),
      }),
    );
  });

  it('refuses it before any rule of the class, which could not judge such a string', async () => {
    const input = { title: `${'x'.repeat(50)}\ud800`, parties: [] };
    await expect(pipe.transform(input, arg(InputLike, 'input'))).rejects.toEqual(
      refusal({ title: loneSurrogate('title') }),
    );
  });

  it('takes well-formed text, astral characters included, as it is', async () => {
    const input = { title: ' 𝄞 Accord ', parties: [{ name: '대한민국 𝌆' }], count: 1 };
    const built = await pipe.transform(input, arg(InputLike, 'input'));
    expect(built).toBeInstanceOf(InputLike);
    expect(built).toEqual({ title: '𝄞 Accord', parties: [{ name: '대한민국 𝌆' }], count: 1 });
  });

  it('refuses a lone surrogate in a plain argument, named by the argument', async () => {
    await expect(pipe.transform('Accord \ud834', arg(String, 'search'))).rejects.toEqual(
      refusal({ search: loneSurrogate('search') }),
    );
    await expect(pipe.transform(['KR', 'U\udfffS'], arg(Array, 'codes'))).rejects.toEqual(
      refusal({ 'codes.1': loneSurrogate('codes.1') }),
    );
    await expect(pipe.transform('𝄞', arg(String, 'search'))).resolves.toBe('𝄞');
    await expect(pipe.transform(3, arg(Number, 'first'))).resolves.toBe(3);
  });

  it('still reports the rules of the class for well-formed input', async () => {
    await expect(
      pipe.transform({ title: 'ok', parties: [{ name: 7 }] }, arg(InputLike)),
    ).rejects.toEqual(refusal({ 'parties.0.name': expect.stringContaining('name must be') }));
  });

  it('passes what custom decorators supply as it is', async () => {
    const principal = { name: '\ud800' };
    await expect(
      pipe.transform(principal, { type: 'custom', metatype: Object, data: undefined }),
    ).resolves.toBe(principal);
  });
});

describe('InputValidationPipe on arguments of scalars (remembered once they pass)', () => {
  class PageLike {
    @Trim()
    @IsString()
    @MaxLength(10)
    after: string;

    @IsOptional()
    @IsInt()
    first?: number;
  }

  it('validates arguments that passed only the first time they come', async () => {
    let checks = 0;
    class CountedLike {
      @ValidateBy({
        name: 'counted',
        validator: { validate: (value: unknown) => (checks += 1) > 0 && value !== 'bad' },
      })
      id: string;
    }
    for (let i = 0; i < 3; i += 1) {
      await expect(pipe.transform({ id: 'a1' }, arg(CountedLike))).resolves.toEqual({ id: 'a1' });
    }
    expect(checks).toBe(1);
    for (let i = 0; i < 3; i += 1) {
      await expect(pipe.transform({ id: 'bad' }, arg(CountedLike))).rejects.toEqual(
        refusal({ id: expect.any(String) }),
      );
    }
    expect(checks).toBe(4);
  });

  it('gives a new, equal instance each time: changing one does not change the next', async () => {
    const first = (await pipe.transform({ after: ' c1 ', first: 5 }, arg(PageLike))) as PageLike;
    expect(first).toBeInstanceOf(PageLike);
    expect(first).toEqual({ after: 'c1', first: 5 });
    first.after = 'changed';
    const again = (await pipe.transform({ after: ' c1 ', first: 5 }, arg(PageLike))) as PageLike;
    expect(again).not.toBe(first);
    expect(again).toBeInstanceOf(PageLike);
    expect(again).toEqual({ after: 'c1', first: 5 });
  });

  it('refuses bad arguments every time they come, and tells apart values that print alike', async () => {
    for (let i = 0; i < 2; i += 1) {
      await expect(
        pipe.transform({ after: 'x'.repeat(11), first: 5 }, arg(PageLike)),
      ).rejects.toEqual(refusal({ after: expect.stringContaining('after must be') }));
      await expect(pipe.transform({ after: 'c1', first: '5' }, arg(PageLike))).rejects.toEqual(
        refusal({ first: expect.stringContaining('first must be') }),
      );
      await expect(pipe.transform({ after: '\ud800', first: 5 }, arg(PageLike))).rejects.toEqual(
        refusal({ after: loneSurrogate('after') }),
      );
    }
  });

  it('stays right past the number it remembers', async () => {
    for (let i = 0; i < 2500; i += 1) {
      await expect(pipe.transform({ after: `c${i}` }, arg(PageLike))).resolves.toEqual({
        after: `c${i}`,
      });
    }
    await expect(pipe.transform({ after: `c${'9'.repeat(10)}` }, arg(PageLike))).rejects.toEqual(
      refusal({ after: expect.stringContaining('after must be') }),
    );
  });
});

describe('validated', () => {
  it('refuses a lone surrogate for the command line too', async () => {
    await expect(
      validated(InputLike, { title: 'ok', parties: [{ name: '\ud800' }] }),
    ).rejects.toEqual(refusal({ 'parties.0.name': loneSurrogate('parties.0.name') }));
  });
});

describe('MaxDecimalPlaces', () => {
  class Weighted {
    @MaxDecimalPlaces(6)
    weight: number;
  }

  it.each([
    [12.5, 1],
    [100, 0],
    [1e21, 0],
    [0.000001, 6],
    [1.5e-7, 8],
    [-6e-323, 323],
    [5e-324, 324],
  ])('counts the decimal places of %p as %p, exponent notation included', (value, places) => {
    expect(decimalPlaces(value)).toBe(places);
  });

  it('refuses a number with too many places, a subnormal one too, with a message naming the field', async () => {
    for (const weight of [1.2345678, -6e-323, 5e-324]) {
      await expect(pipe.transform({ weight }, arg(Weighted))).rejects.toEqual(
        refusal({ weight: 'weight must be a number with at most 6 decimal places' }),
      );
    }
    await expect(pipe.transform({ weight: 12.345678 }, arg(Weighted))).resolves.toEqual({
      weight: 12.345678,
    });
  });
});
