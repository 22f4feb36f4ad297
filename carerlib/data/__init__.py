"""Reading, checking, caching and fetching official files; areas and lookups; the embedded
sample."""
