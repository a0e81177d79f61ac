export { BroadcastsPage } from './BroadcastsPage.tsx';
