import { z } from 'zod';
import { CLOCKS } from '../../format.ts';
import { adminProcedure, publicProcedure, router, staffProcedure } from '../trpc/init.ts';
import { getClinicSettings, updateClinicSettings } from './settings.service.ts';

export const settingsRouter = router({
	/** Public: what every page may show (the portal and sign-in pages name the clinic and write times). */
	clinic: publicProcedure
		.output(z.object({ clinicName: z.string(), clock: z.enum(CLOCKS) }))
		.query(async ({ ctx }) => {
			const { clinicName, clock } = await getClinicSettings(ctx.em);
			return { clinicName, clock };
		}),
	get: staffProcedure
		.meta({ allowWithoutTwoFactor: true })
		.query(({ ctx }) => getClinicSettings(ctx.em, { fresh: true })),
	update: adminProcedure
		.input(
			z.object({
				clinicName: z.string().trim().min(1, 'Enter the clinic name').max(120, 'Use at most 120 characters'),
				requireTwoFactor: z.boolean(),
				clock: z.enum(CLOCKS, { error: 'Choose a 12-hour or a 24-hour clock' }),
				version: z.number().int().min(1)
			})
		)
		.mutation(({ ctx, input }) => updateClinicSettings(ctx.em, ctx.actor, input))
});
