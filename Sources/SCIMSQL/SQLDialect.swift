/// A value bound to a placeholder of a generated statement.
package enum SQLParameter: Sendable, Equatable {
    case text(String)
    case integer(Int64)
    case decimal(Double)
    case boolean(Bool)
}

/// The SQL spellings that differ between the stores. JSON keys come from the schema definitions, never
/// from a request, and every function quotes them.
package protocol SQLDialect: Sendable {
    /// Returns the placeholder of the `number`th parameter (1-based), with any cast the database needs to
    /// infer its type.
    func placeholder(_ number: Int, for parameter: SQLParameter) -> String

    /// Returns the JSON string or number at `keys` inside the JSON value `base` as SQL text, or NULL.
    func jsonText(_ base: String, _ keys: [String]) -> String

    /// Returns the JSON boolean at `keys` inside `base` as the database's boolean, or NULL.
    func jsonBoolean(_ base: String, _ keys: [String]) -> String

    /// Returns a condition, never NULL, that holds when the value at `keys` inside `base` is an array or
    /// object with at least one member.
    func jsonHasMembers(_ base: String, _ keys: [String]) -> String

    /// Returns a condition, never NULL, that holds when the value at `keys` inside `base` is an object.
    func jsonIsObject(_ base: String, _ keys: [String]) -> String

    /// Returns a FROM item that lists the elements of the JSON array at `keys` inside `base`, each as a
    /// JSON value named `alias.value`. It has no rows when there is no array.
    func jsonElements(_ base: String, _ keys: [String], alias: String) -> String

    /// Returns the sort key of a multi-valued attribute (RFC 7644 §3.4.2.3): sub-attribute `sub` of the
    /// first element whose `primary` is true, else of the first element, or NULL.
    func jsonPrimaryOrFirst(_ base: String, _ keys: [String], sub: String, isBoolean: Bool) -> String

    /// Returns a condition that holds when `haystack` contains `needle` (both text and not NULL).
    func contains(_ haystack: String, _ needle: String) -> String

    /// Returns a condition that holds when `text` ends with `suffix` (both text and not NULL).
    func endsWith(_ text: String, _ suffix: String) -> String

    /// `expression` with the collation that orders text by Unicode code point.
    func codePointOrder(_ expression: String) -> String

    /// The entity tag `W/"n"` of the integer version column `column`, as text.
    func versionTag(_ column: String) -> String

    /// The literals for true and false.
    var trueCondition: String { get }
    var falseCondition: String { get }
}
