// Integer cents shown as money (client-safe).
const money = new Intl.NumberFormat('en-AU', { style: 'currency', currency: 'AUD' });

export function formatMoney(cents: number): string {
	return money.format(cents / 100);
}
