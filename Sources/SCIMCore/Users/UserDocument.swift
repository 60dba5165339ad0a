/// A User body from a client (POST or PUT), checked against the User schema and split into the
/// attributes every profile stores and the rest.
///
/// Read-only attributes (`id`, `meta`, `groups`, and read-only sub-attributes such as the enterprise
/// `manager.displayName`) are dropped, because RFC 7644 §3.5.1 says values sent for them are ignored
/// and clients such as Okta send them back in write bodies. `password` is kept only when the caller
/// asks for it; otherwise it is dropped unchecked, as the `postman` profile has always done.
package struct UserDocument: Sendable, Equatable {
    package var userName: String?
    /// Whether the body carried a `name` object; its absent sub-attributes are then nil.
    package var hasName = false
    package var givenName: String?
    package var familyName: String?
    package var hasExternalID = false
    package var externalID: String?
    package var active: Bool?
    /// Whether the body carried `password`, and its value: nil for an explicit `null`.
    package var hasPassword = false
    package var password: String?
    /// Every other attribute the schema defines, checked and normalised, for profiles that store them.
    package var otherAttributes = JSONObject()

    private static let droppedAttributes: Set<String> = ["id", "meta", "groups", "schemas"]

    /// Parses and checks a body.
    /// - Parameter keepsPassword: whether to check and keep `password`, which is otherwise dropped.
    /// - Throws: `invalidSyntax` for a body that is not a JSON object; `invalidValue` for a missing or
    ///   unknown schema, an unknown attribute or a value of the wrong type.
    package static func parse(_ body: [UInt8], keepsPassword: Bool = false) throws(SCIMError) -> UserDocument {
        let object = try parseObject(body)
        try checkSchemas(object, allowed: [Schema.userURN, Schema.enterpriseUserURN], required: Schema.userURN)
        var document = UserDocument()
        for member in object.members {
            try document.read(member.key, member.value, keepsPassword: keepsPassword)
        }
        return document
    }

    private mutating func read(_ key: String, _ value: JSONValue, keepsPassword: Bool) throws(SCIMError) {
        guard key.lowercased() != "schemas" else { return }
        if key.lowercased() == Schema.enterpriseUserURN.lowercased() {
            let checked = try AttributeValidator.validate(
                value, as: SchemaAttribute(key, .complex, subAttributes: Schema.enterpriseUser.attributes), path: key)
            otherAttributes.set(Schema.enterpriseUserURN, checked)
            return
        }
        guard let attribute = Schema.user.attribute(named: key) else {
            throw .invalidValue("Unknown attribute '\(key)' for a User.")
        }
        // Dropped attributes are not checked: Postman's own create body sends `groups` as names.
        guard !Self.droppedAttributes.contains(attribute.name) else { return }
        if attribute.name == "password", !keepsPassword { return }
        let checked = try AttributeValidator.validate(value, as: attribute, path: attribute.name)
        switch attribute.name {
        case "userName":
            guard case .string(let text) = checked else { throw .invalidValue("'userName' must not be null.") }
            userName = text
        case "name":
            hasName = true
            givenName = checked.objectValue?["givenName"]?.stringValue
            familyName = checked.objectValue?["familyName"]?.stringValue
            let rest = checked.objectValue?.members.filter { $0.key != "givenName" && $0.key != "familyName" } ?? []
            if !rest.isEmpty { otherAttributes.set("name", .object(JSONObject(rest))) }
        case "externalId":
            hasExternalID = true
            externalID = checked.stringValue
        case "active":
            if case .bool(let flag) = checked { active = flag }
        case "password":
            hasPassword = true
            password = checked.stringValue
        default:
            if checked != .null { otherAttributes.set(attribute.name, checked) }
        }
    }
}

/// Parses a request body that must be a JSON object.
/// - Throws: `invalidSyntax` naming what is wrong.
package func parseObject(_ body: [UInt8]) throws(SCIMError) -> JSONObject {
    guard !body.isEmpty else { throw .invalidSyntax("The request body is empty.") }
    let value: JSONValue
    do {
        value = try JSONParser.parse(body)
    } catch {
        throw .invalidSyntax("The request body is not valid JSON: \(error.message) at byte \(error.offset).")
    }
    guard case .object(let object) = value else {
        throw .invalidSyntax("The request body must be a JSON object, not \(value.typeName).")
    }
    return object
}

/// Checks the `schemas` member of a body: present, an array of strings, containing `required`, and
/// naming no schema outside `allowed` (compared without regard to case).
/// - Throws: `invalidValue` naming the problem.
package func checkSchemas(_ object: JSONObject, allowed: [String], required: String) throws(SCIMError) {
    guard let value = object.value(forAttribute: "schemas") else {
        throw .invalidValue("The request body has no 'schemas' member.")
    }
    guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
        throw .invalidValue("'schemas' must be an array of schema URNs.")
    }
    let allowedLowered = Set(allowed.map { $0.lowercased() })
    for item in items {
        let urn = item.stringValue ?? ""
        guard allowedLowered.contains(urn.lowercased()) else {
            throw .invalidValue("Unknown schema '\(urn)'.")
        }
    }
    guard items.contains(where: { $0.stringValue?.lowercased() == required.lowercased() }) else {
        throw .invalidValue("'schemas' must contain '\(required)'.")
    }
}
