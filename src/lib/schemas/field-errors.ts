/** Messages per field (dotted paths for nested ones), as every form and API answer carries them. */
export type FieldErrors = Record<string, string[]>;
