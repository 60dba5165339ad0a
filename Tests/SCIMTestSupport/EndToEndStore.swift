import Foundation

/// The store behind every end-to-end server and subcommand, chosen with `SCIM_TEST_E2E_STORE`:
/// `sqlite` (the default) or `postgres`.
///
/// With `postgres`, each ``ScimdProcess`` creates its own database on the server at
/// `SCIM_TEST_POSTGRES_URL` and passes its URL to `scimd`.
package enum EndToEndStore: Equatable, Sendable {
    case sqlite
    case postgres(serverURL: String)

    /// The environment variable that selects the store.
    package static let variable = "SCIM_TEST_E2E_STORE"

    /// Returns the store `SCIM_TEST_E2E_STORE` selects.
    ///
    /// - Throws: ``TestSetupError`` when the variable contains another value than `sqlite` or `postgres`,
    ///   or when it is `postgres` and `SCIM_TEST_POSTGRES_URL` is unset, so a misconfigured run fails
    ///   instead of quietly testing SQLite.
    package static func selected() throws -> EndToEndStore {
        switch ProcessInfo.processInfo.environment[variable] ?? "" {
        case "", "sqlite":
            return .sqlite
        case "postgres":
            guard let serverURL = PostgresDeployment.serverURL else {
                throw TestSetupError(
                    "\(variable)=postgres needs SCIM_TEST_POSTGRES_URL, the server to create databases on")
            }
            return .postgres(serverURL: serverURL)
        case let other:
            throw TestSetupError("\(variable) has the invalid value \(other.debugDescription). Use sqlite or postgres.")
        }
    }
}
