export * from './mask';
export { classifyKey } from './sensitive-keys';
export { maskPersonal, personalKind, type FieldLike } from './personal';
export { maskRecordKey, type KeyTable } from './record-keys';
