// Public entry of the agent console: the page at GET /console, its script and stylesheet (no build step).
export { consoleRoutes } from './routes.ts';
