// What the procedures answer and take, as types for components and pages: taken from the router
// itself, so a view type cannot drift from what the server sends (and no component imports a
// server file for a type).
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '$lib/server/app/router';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
