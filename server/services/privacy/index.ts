export * from './mask';
export { classifyKey, PHONE_LIKE_IN_TEXT } from './sensitive-keys';
export { maskPersonal, personalKind, type FieldLike } from './personal';
