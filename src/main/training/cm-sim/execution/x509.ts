/**
 * @peculiar/x509 for the simulator's CA. Its dependency tsyringe refuses to load without the
 * `Reflect` metadata API (normally the reflect-metadata package, which is not installed here), so the
 * few functions it calls are provided first: a WeakMap per target, keyed by metadata name. Import
 * x509 through this module only, so the shim is always evaluated before the library.
 */
import './reflect-metadata-shim';

export * from '@peculiar/x509';
