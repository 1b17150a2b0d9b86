// Phone numbers are stored in E.164; people read them in their own country's national format.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * "+61412345678" becomes "0412 345 678" for a clinic in AU, and "+44 20 7946 0958" for a number from
 * elsewhere. Anything that does not parse is shown as stored rather than hidden.
 */
export function formatPhone(e164: string, clinicCountry?: string): string {
	const parsed = parsePhoneNumberFromString(e164);
	if (!parsed) return e164;
	if (clinicCountry && parsed.country === (clinicCountry as CountryCode)) return parsed.formatNational();
	return parsed.formatInternational();
}

/** A `tel:` link target: the stored E.164 number, which every dialler understands. */
export function phoneHref(e164: string): string {
	return `tel:${e164.replace(/[^\d+]/g, '')}`;
}
