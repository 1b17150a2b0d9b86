// A referral's details are free text ("Include the patient's full name and date of birth"): this
// finds what it can of the patient in them, to prefill the new-patient form when staff link the
// case. A guess for a person to check, never saved on its own.

export interface ReferralPatientGuess {
	firstName: string;
	lastName: string;
	/** YYYY-MM-DD, or '' when none was recognised. */
	dateOfBirth: string;
	email: string;
	mobile: string;
}

const TITLES = /^(mr|mrs|ms|miss|mx|dr|prof)\.?$/i;
const NAME_LINE = /^\s*(?:patient(?:'s)?(?:\s+name)?|full\s+name|name)\s*[:=-]\s*(.+?)\s*$/im;
const BIRTH =
	/\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born)\s*[:=-]?\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4})/i;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const PHONE_LINE = /\b(?:mobile|mob|phone|ph|tel|cell)\.?\s*[:=-]?\s*(\+?[\d][\d\s()-]{6,}\d)/i;

function isRealDate(year: number, month: number, day: number): boolean {
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** ISO dates as they are; otherwise day first (the clinic writes 07/03/1984 for 7 March). */
function isoDate(text: string): string {
	const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
	const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
	const [year, month, day] = iso
		? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
		: dmy
			? [Number(dmy[3]), Number(dmy[2]), Number(dmy[1])]
			: [0, 0, 0];
	if (!year || !isRealDate(year, month, day)) return '';
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function guessPatientFromReferral(details: string | null | undefined): ReferralPatientGuess {
	const text = details ?? '';
	// "Name: Ana Lima, DOB 7/3/1984" keeps only the name part.
	const nameText = NAME_LINE.exec(text)?.[1]?.split(/[,;(]|\s+(?:d\.?o\.?b|born)\b/i)[0] ?? '';
	const words = nameText
		.split(/\s+/)
		.filter(Boolean)
		.filter((w, index) => !(index === 0 && TITLES.test(w)));
	const birth = BIRTH.exec(text)?.[1];
	return {
		firstName: words.length > 1 ? words.slice(0, -1).join(' ') : (words[0] ?? ''),
		lastName: words.length > 1 ? words[words.length - 1]! : '',
		dateOfBirth: birth ? isoDate(birth) : '',
		email: EMAIL.exec(text)?.[0] ?? '',
		mobile: PHONE_LINE.exec(text)?.[1]?.trim() ?? ''
	};
}
