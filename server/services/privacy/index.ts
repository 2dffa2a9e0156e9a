export * from './mask';
export { classifyKey } from './sensitive-keys';
