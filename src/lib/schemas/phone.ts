// Phone numbers are stored in E.164. Parsing uses the clinic's default country for local numbers.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';

export function toE164(input: string, defaultCountry: string): string | null {
	const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry as CountryCode);
	if (!parsed || !parsed.isValid()) return null;
	return parsed.number;
}

/**
 * A zod string that accepts local or international numbers and outputs E.164. The country may be
 * a function, read when a value is parsed (server schemas are built before config is read).
 */
export function phoneNumber(defaultCountry: string | (() => string)) {
	return z
		.string()
		.trim()
		.min(1, 'Enter a phone number')
		.max(40, 'That is too long for a phone number')
		.transform((value, ctx) => {
			const e164 = toE164(value, typeof defaultCountry === 'function' ? defaultCountry() : defaultCountry);
			if (!e164) {
				ctx.addIssue({ code: 'custom', message: 'Enter a valid phone number' });
				return z.NEVER;
			}
			return e164;
		});
}

export const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'Must be an E.164 number such as +61400000000');
