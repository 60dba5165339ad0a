/// Checks attribute values against their schema definition and normalises tolerated forms.
///
/// Booleans also arrive as the strings "True" and "False" in any case, because Entra ID sends them so
/// for `active`; they become JSON booleans. `null` stands for "no value" (RFC 7643 §2.5). Read-only
/// sub-attributes inside a complex value (the enterprise `manager.displayName`) are dropped, because
/// RFC 7644 §3.5.1 says values sent for read-only attributes are ignored. Canonical values are not
/// enforced: RFC 7643 §7 calls them suggestions.
package enum AttributeValidator {
    /// Returns `value` checked against `attribute`, with tolerated forms normalised.
    /// - Throws: `invalidValue` naming the attribute and the problem.
    package static func validate(_ value: JSONValue, as attribute: SchemaAttribute, path: String) throws(SCIMError)
        -> JSONValue
    {
        if case .null = value { return .null }
        if attribute.multiValued {
            // A single value where an array belongs is accepted as an array of one.
            let items = value.arrayValue ?? [value]
            var checked: [JSONValue] = []
            for item in items {
                checked.append(try validateSingle(item, as: attribute, path: path))
            }
            return .array(checked)
        }
        return try validateSingle(value, as: attribute, path: path)
    }

    private static func validateSingle(_ value: JSONValue, as attribute: SchemaAttribute, path: String)
        throws(SCIMError) -> JSONValue
    {
        switch (attribute.type, value) {
        case (.string, .string), (.reference, .string), (.binary, .string), (.dateTime, .string):
            return value
        case (.boolean, .bool):
            return value
        case (.boolean, .string(let text)):
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw mismatch(path, attribute, value)
            }
        case (.integer, .integer), (.decimal, .integer), (.decimal, .decimal):
            return value
        case (.complex, .object(let object)):
            return .object(try validateComplex(object, as: attribute, path: path))
        default:
            throw mismatch(path, attribute, value)
        }
    }

    private static func validateComplex(_ object: JSONObject, as attribute: SchemaAttribute, path: String)
        throws(SCIMError) -> JSONObject
    {
        var checked = JSONObject()
        for member in object.members {
            guard let sub = attribute.subAttribute(named: member.key) else {
                throw .invalidValue("'\(path)' has no sub-attribute '\(member.key)'.")
            }
            if sub.mutability == .readOnly { continue }
            checked.members.append((sub.name, try validate(member.value, as: sub, path: "\(path).\(sub.name)")))
        }
        return checked
    }

    private static func mismatch(_ path: String, _ attribute: SchemaAttribute, _ value: JSONValue) -> SCIMError {
        let expected = attribute.type == .complex ? "object" : attribute.type.rawValue
        return .invalidValue(
            "'\(path)' must be \(article(expected)) \(expected), not \(article(value.typeName)) \(value.typeName).")
    }

    private static func article(_ word: String) -> String {
        word.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }
}
