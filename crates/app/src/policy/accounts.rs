//! Who may manage accounts, sessions and API tokens.
