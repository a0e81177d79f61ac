// Public entry of the website webchat (page, widget, bundle).
export { registerWebchatRoutes } from './routes.ts';
export { webchatBundlePath } from './bundle.ts';
