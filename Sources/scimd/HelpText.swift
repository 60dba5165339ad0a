/// The `--help` texts.
enum HelpText {
    static let overview = """
        scimd: a SCIM 2.0 provisioning server.

        Usage:
          scimd serve [options]                          serve the SCIM API (scimd serve --help)
          scimd team create NAME --admin EMAIL [--domain DOMAIN]...
          scimd team delete NAME
          scimd admin add TEAM EMAIL
          scimd admin remove TEAM EMAIL
          scimd key create TEAM --admin EMAIL
          scimd key list TEAM
          scimd key revoke KEY_ID
          scimd migrate-store --from DATABASE --to DATABASE

        Every command takes --database DATABASE (env SCIMD_DATABASE, default ./scimd.sqlite): a SQLite
        file path, or a postgres:// or postgresql:// URL that several servers can share.
        Commands that create a key print it as their last line of stdout; it is shown only once.
        Exit status: 0 success, 1 failure, 2 usage error.
        """

    static let serveUsage = "Usage: scimd serve [options]"

    static let serve = """
        \(serveUsage)

        Serves the SCIM 2.0 API under /scim/v2 until SIGTERM or SIGINT, then finishes the requests in
        flight, closes the database and exits 0.

        Options (each also read from the environment variable shown):
          --listen HOST:PORT        address to listen on; port 0 picks a free one
                                    (SCIMD_LISTEN, default 127.0.0.1:8080)
          --database DATABASE       SQLite database file, created if missing, or a postgres:// or
                                    postgresql:// URL, such as
                                    postgresql://scimd:PASSWORD@127.0.0.1:5432/scimd
                                    (SCIMD_DATABASE, default ./scimd.sqlite)
          --database-pool-size N    PostgreSQL only: the most connections this server opens
                                    (SCIMD_DATABASE_POOL_SIZE, default twice the number of cores)
          --profile NAME            postman: answer like Postman's SCIM API; rfc: RFC 7643/7644 texts
                                    and rules (SCIMD_PROFILE, default postman)
          --rate-limit-writes N     POST, PUT, PATCH and DELETE requests per team in any 60 seconds;
                                    0 turns the limit off (SCIMD_RATE_LIMIT_WRITES, default 180)
          --rate-limit-reads N      GET requests per team in any 60 seconds; 0 turns the limit off
                                    (SCIMD_RATE_LIMIT_READS, default 300)
          --max-body-bytes N        largest request body in bytes; larger ones get 413
                                    (SCIMD_MAX_BODY_BYTES, default 1048576)
          --base-url URL            public URL of /scim/v2 for Location and meta.location, for a
                                    server behind a proxy (SCIMD_BASE_URL, default http://HOST/scim/v2
                                    from the request's Host header)
          --log-level LEVEL         trace, debug, info, notice, warning, error or critical
                                    (SCIMD_LOG_LEVEL, default info)
          --threads N               HTTP worker threads (SCIMD_THREADS, default: the number of cores);
                                    requests other than GET and HEAD run on 32 more threads
          --group-patch-response R  rfc profile: what a group PATCH returns without attributes or
                                    excludedAttributes: no-content (204) or resource (200 with the
                                    group) (SCIMD_GROUP_PATCH_RESPONSE, default no-content); the
                                    postman profile always returns the group
          --cursor-timeout SECONDS  rfc profile: how long a nextCursor stays valid after the page
                                    that returned it; older ones get 400 expiredCursor
                                    (SCIMD_CURSOR_TIMEOUT, default 3600)
        """

    static let teamCreateUsage = "scimd team create NAME --admin EMAIL [--domain DOMAIN]..."

    static let teamCreate = """
        Usage: \(teamCreateUsage) [--database PATH]

        Creates a team and its first admin, a member with userName EMAIL, and prints a new API key for
        that admin as the last line. Each --domain adds a verified e-mail domain: a userName can be
        changed only to an address in one of them.
        """

    static let teamDelete = """
        Usage: scimd team delete NAME [--database PATH]

        Marks the team deleted. Its members stay stored; its API keys get 400 "This Postman team
        doesn’t exist anymore." in the postman profile.
        """

    static let adminAdd = """
        Usage: scimd admin add TEAM EMAIL [--database PATH]

        Makes EMAIL an admin of TEAM, creating the member if needed, and prints a new API key for it as
        the last line.
        """

    static let adminRemove = """
        Usage: scimd admin remove TEAM EMAIL [--database PATH]

        Makes the admin EMAIL a plain member of TEAM. API keys it generated then get 403.
        """

    static let keyCreate = """
        Usage: scimd key create TEAM --admin EMAIL [--database PATH]

        Prints a new API key for the admin EMAIL of TEAM as the last line.
        """

    static let keyList = """
        Usage: scimd key list TEAM [--database PATH]

        Prints one line per API key of TEAM, oldest first: its id, the admin who owns it, when it was
        created and, if it was, when it was revoked. Keys themselves are never stored or shown again.
        """

    static let keyRevoke = """
        Usage: scimd key revoke KEY_ID [--database PATH]

        Revokes the key with this id (the first word of a 'key list' line). Requests with it get 401 at
        once.
        """

    static let migrateStoreUsage = "scimd migrate-store --from DATABASE --to DATABASE"

    static let migrateStore = """
        Usage: \(migrateStoreUsage)

        Copies every team, domain, user, API key, group and membership from one database to another in
        one transaction: ids, creation order, timestamps, versions, roles and key digests stay as they
        are. Each DATABASE is a SQLite file path or a postgres:// or postgresql:// URL. The target must
        hold no team yet; nothing is written when the copy fails. Stop the servers that use the source
        first, so that no write happens during the copy.
        """
}
