/// A Group body from a client (POST or PUT), checked against the Group schema.
///
/// `id` and `meta` are ignored, and so is Entra ID's own group schema, which it lists beside the core
/// one.
package struct GroupDocument: Sendable, Equatable {
    package var displayName: String
    package var externalID: String?
    package var members: [JSONObject]

    /// Parses and checks a body.
    /// - Throws: `invalidSyntax` for a body that is not a JSON object; `invalidValue` for a missing or
    ///   unknown schema, a missing displayName, an unknown attribute or a value of the wrong type.
    package static func parse(_ body: [UInt8]) throws(SCIMError) -> GroupDocument {
        let object = try parseObject(body)
        try checkSchemas(object, allowed: [Schema.groupURN, Schema.entraGroupURN], required: Schema.groupURN)
        var displayName: String?
        var externalID: String?
        var members: [JSONObject] = []
        for member in object.members {
            let key = member.key.lowercased()
            if key == "schemas" || key == Schema.entraGroupURN.lowercased() { continue }
            guard let attribute = Schema.group.attribute(named: member.key) else {
                throw .invalidValue("Unknown attribute '\(member.key)' for a Group.")
            }
            let checked = try AttributeValidator.validate(member.value, as: attribute, path: attribute.name)
            switch attribute.name {
            case "displayName": displayName = checked.stringValue
            case "externalId": externalID = checked.stringValue
            case "members": members = try memberObjects(checked)
            default: break
            }
        }
        guard let displayName, !displayName.trimmingSpaces().isEmpty else {
            throw .invalidValue("'displayName' is required.")
        }
        return GroupDocument(displayName: displayName, externalID: externalID, members: members)
    }

    /// Returns the member objects of a checked `members` value; each needs a `value`.
    static func memberObjects(_ value: JSONValue) throws(SCIMError) -> [JSONObject] {
        var objects: [JSONObject] = []
        for item in value.arrayValue ?? [] {
            guard let object = item.objectValue, object["value"]?.stringValue != nil else {
                throw .invalidValue("Each member needs a 'value' with the id of a user.")
            }
            objects.append(object.withoutNulls())
        }
        return objects
    }
}
