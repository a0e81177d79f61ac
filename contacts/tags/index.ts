// Tags: a business's labels for contacts.
export { listTags, createTag, renameTag, deleteTag, tagNameSchema } from './tags.ts';
export type { TagView } from './tags.ts';
