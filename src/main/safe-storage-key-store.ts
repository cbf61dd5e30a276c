/** Electron's key store: the core's sealed key file, sealed by safeStorage (the OS keychain). */
export {
  SealedKeyStore as SafeStorageKeyStore,
  type ConfirmKeyForUrl,
  type KeyHolder,
  type SafeStorageLike,
} from '../core/providers/sealed-key-store'
