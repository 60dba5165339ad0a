import SCIMCore

/// A JSON value reached by lookups that may fail, for short expectations in tests.
///
/// `response.json["meta"]["created"].string` is nil when any step is missing or has another type,
/// so a test states what it expects in one `#expect` without unwrapping each level.
package struct JSONNode: Sendable, Equatable, CustomStringConvertible {
    /// The value, or nil when a lookup failed.
    let value: JSONValue?

    init(_ value: JSONValue?) {
        self.value = value
    }

    /// Returns the member named `key` (exact spelling) of an object.
    package subscript(key: String) -> JSONNode {
        JSONNode(value?.objectValue?[key])
    }

    /// Returns the element at `index` of an array.
    package subscript(index: Int) -> JSONNode {
        guard let items = value?.arrayValue, items.indices.contains(index) else { return JSONNode(nil) }
        return JSONNode(items[index])
    }

    /// Whether the lookup failed.
    package var isMissing: Bool {
        value == nil
    }

    /// The string, if the value is one.
    package var string: String? {
        value?.stringValue
    }

    /// The number, if the value is an integer.
    package var int: Int? {
        if case .integer(let number) = value { return Int(number) }
        return nil
    }

    /// The boolean, if the value is one.
    package var bool: Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    /// The elements, if the value is an array.
    package var array: [JSONNode]? {
        value?.arrayValue?.map { JSONNode($0) }
    }

    /// The strings, if the value is an array of strings only.
    package var strings: [String]? {
        guard let items = value?.arrayValue else { return nil }
        let texts = items.compactMap(\.stringValue)
        return texts.count == items.count ? texts : nil
    }

    /// The number of elements, if the value is an array.
    package var count: Int? {
        value?.arrayValue?.count
    }

    /// The member names in document order, if the value is an object.
    package var keys: [String]? {
        value?.objectValue?.members.map(\.key)
    }

    /// The value as compact JSON, or `<missing>`.
    package var description: String {
        guard let value else { return "<missing>" }
        return String(decoding: JSONWriter.encode(value), as: UTF8.self)
    }
}
