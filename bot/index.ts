// The package export `baton/bot` (package.json "exports"): Baton's channels for developers who mount Baton in
// their own Bot Framework bot (docs/channels.md), and the HTTP route module that mounts them on a Fastify server.
export * from './channels/index.ts';
export { channelRoutes } from './http/index.ts';
export type { ChannelRouteDeps } from './http/index.ts';
