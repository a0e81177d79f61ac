// Public entry of Baton's HTTP server: the JSON API under /api/v1 (zod-validated, OpenAPI-documented) and the
// routes mounted at / (the channels, the console).
export { createFastify, createHttpServer } from './server.ts';
export type { HttpDeps, RouteModule } from './server.ts';
export { channelRoutes } from './channel-routes.ts';
export type { ChannelRouteDeps } from './channel-routes.ts';
export { forgetUpload } from './imports.ts';
