import { ADMIN_OWNER } from '@reelforge/db';
import type { OwnerSecretsStore } from './owner-secrets.store.js';
import { WebhookSecretMissingError } from './webhooks.errors.js';

/** The secrets that sign an owner's events now, newest first; throws WebhookSecretMissingError when there are none. */
export type SigningSecrets = (owner: string) => Promise<string[]>;

export interface SigningSecretsDeps {
  /** WEBHOOK_SECRET: signs administrators' (ADMIN_OWNER) events only. */
  adminSecret: string | undefined;
  /** Owners' own secrets; undefined when WEBHOOK_SECRETS_KEY is not set (they cannot be opened). */
  owners: Pick<OwnerSecretsStore, 'activeSecrets'> | undefined;
}

/**
 * Who signs what. Administrators' jobs keep WEBHOOK_SECRET. Every other owner signs with its own
 * secrets only: an owner without one gets no event (a clear `webhook_secret_missing`) rather than one
 * signed with a secret another owner may hold — that shared secret is exactly what let one tenant
 * forge another's events. Nor is one made on the fly: nobody would have seen it, so no receiver
 * could check it.
 */
export function createSigningSecrets({ adminSecret, owners }: SigningSecretsDeps): SigningSecrets {
  return async (owner) => {
    if (owner === ADMIN_OWNER) {
      if (!adminSecret) throw new WebhookSecretMissingError();
      return [adminSecret];
    }
    if (!owners) {
      throw new WebhookSecretMissingError(`owner "${owner}" has webhook secrets only with WEBHOOK_SECRETS_KEY set, and it is not: the event is not sent`);
    }
    const secrets = await owners.activeSecrets(owner);
    if (secrets.length === 0) {
      throw new WebhookSecretMissingError(
        `owner "${owner}" has no webhook signing secret: create one with \`reelforge webhooks secret create --owner ${owner}\`, then redeliver`,
      );
    }
    return secrets;
  };
}
