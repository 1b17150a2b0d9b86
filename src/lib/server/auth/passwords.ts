// argon2id password hashing (@node-rs/argon2's default algorithm), with OWASP's parameters.
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
	return hash(password, OPTIONS);
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
	try {
		return await verify(hashed, password);
	} catch {
		return false;
	}
}

// Verifying against this keeps an unknown email as slow as a wrong password (no enumeration by timing).
let dummy: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
	dummy ??= hashPassword('casebook-dummy-password-for-timing');
	await verifyPassword(await dummy, password);
}
