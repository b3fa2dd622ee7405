-- Sign-in with a force's identity provider (OpenID Connect). The SQLite migration of the
-- same number does the same.

-- Who a provider's subject is: the issuer and the stable subject claim (Entra's `oid`, or
-- `sub`) bound to a Pledge person at their first sign-in, by the configured linking claim.
-- One subject is one person, and a person has one subject per issuer.
CREATE TABLE oidc_link (
    issuer TEXT COLLATE "C" NOT NULL,
    subject TEXT COLLATE "C" NOT NULL,
    person_id TEXT COLLATE "C" NOT NULL REFERENCES person (id),
    linked_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject),
    UNIQUE (issuer, person_id)
);

-- A session signed in through the provider keeps the ID token it was given, for the
-- provider's sign-out (`id_token_hint`); NULL for a password sign-in.
ALTER TABLE session ADD COLUMN id_token TEXT;
