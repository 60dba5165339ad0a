import Foundation

extension StoreProbe {
    /// Returns one column of the user with this id as text, or nil when it is NULL or no user has the id.
    ///
    /// Booleans read as `true` or `false` from both stores. The value is wrapped in markers inside the
    /// query, so the text is found the same way in `sqlite3`'s JSON and in `psql`'s plain rows.
    package func userColumn(_ column: String, id: String) throws -> String? {
        let output = try execute(
            "SELECT '<<' || CASE WHEN \(column) IS NULL THEN 'NULL' ELSE CAST(\(column) AS TEXT) END || '>>' AS v "
                + "FROM users WHERE id = '\(id)';")
        guard let start = output.range(of: "<<"),
            let end = output.range(of: ">>", range: start.upperBound..<output.endIndex)
        else { return nil }
        let text = String(output[start.upperBound..<end.lowerBound])
        switch text {
        case "NULL": return nil
        case "1", "t": return column == "active" ? "true" : text
        case "0", "f": return column == "active" ? "false" : text
        default: return text
        }
    }
}
