/// Applies PATCH operations to a user (RFC 7644 §3.5.2).
///
/// It changes the attributes every profile stores: `userName`, `active`, `externalId`,
/// `name.givenName` and `name.familyName`. Operations on other User attributes are accepted and
/// change nothing in the `postman` profile, which does not store them, as Postman applies only these.
/// A path-less `add` or `replace` reads each key of its object value as a path, dotted
/// (`name.givenName`) or URN-qualified, as Entra ID sends it.
package struct UserPatcher: Sendable {
    package let profile: Profile

    package init(profile: Profile) {
        self.profile = profile
    }

    /// Applies every operation to `user` in order.
    /// - Throws: `invalidPath`, `invalidValue`, `mutability` or `noTarget`; `user` is then left as the
    ///   caller passed it only if the caller keeps its own copy, so apply to a copy.
    package func apply(_ request: PatchRequest, to user: inout UserRecord) throws(SCIMError) {
        for operation in request.operations {
            if let path = operation.path {
                try apply(operation.kind, path: path, value: operation.value, to: &user)
            } else {
                try applyPathless(operation.kind, value: operation.value, to: &user)
            }
        }
    }

    private func applyPathless(_ kind: PatchRequest.Operation.Kind, value: JSONValue?, to user: inout UserRecord)
        throws(SCIMError)
    {
        guard let object = value?.objectValue else {
            throw .invalidValue("An \(kind.rawValue) without a path needs an object value.")
        }
        for member in object.members {
            if member.key.lowercased() == Schema.userURN.lowercased(), let inner = member.value.objectValue {
                try applyPathless(kind, value: .object(inner), to: &user)
                continue
            }
            try apply(kind, path: try PatchPath.parse(member.key), value: member.value, to: &user)
        }
    }

    private func apply(
        _ kind: PatchRequest.Operation.Kind, path: PatchPath, value: JSONValue?, to user: inout UserRecord
    ) throws(SCIMError) {
        let attributePath = try resolveSchema(path)
        guard let attribute = Schema.user.attribute(named: attributePath.name) else {
            if attributePath.schema?.lowercased() == Schema.enterpriseUserURN.lowercased() { return }
            throw .invalidPath("The path '\(path)' names no User attribute.")
        }
        switch attribute.name {
        case "id", "meta", "schemas":
            try checkReadOnly(attribute.name, value: value, user: user)
        case "userName", "active", "externalId", "name":
            guard path.valueFilter == nil else { throw .invalidPath("'\(attribute.name)' is not multi-valued.") }
            try applyStored(kind, attribute: attribute, subAttribute: attributePath.subAttribute, value: value, to: &user)
        default:
            if let value {
                _ = try AttributeValidator.validate(value, as: attribute, path: path.text)
            }
        }
    }

    private func resolveSchema(_ path: PatchPath) throws(SCIMError) -> AttributePath {
        var attribute = path.attribute
        guard let schema = attribute.schema else { return attribute }
        switch schema.lowercased() {
        case Schema.userURN.lowercased():
            attribute.schema = nil
            return attribute
        case Schema.enterpriseUserURN.lowercased():
            return attribute
        default:
            throw .invalidPath("The path '\(path)' names an unknown schema.")
        }
    }

    private func checkReadOnly(_ name: String, value: JSONValue?, user: UserRecord) throws(SCIMError) {
        // Okta sends the resource's own id inside a rename; an unchanged read-only value is ignored.
        if name == "id", let value, value != .string(user.id) {
            throw .mutability("'id' is read-only and cannot be changed.")
        }
    }

    private func applyStored(
        _ kind: PatchRequest.Operation.Kind, attribute: SchemaAttribute, subAttribute: String?, value: JSONValue?,
        to user: inout UserRecord
    ) throws(SCIMError) {
        if attribute.name == "name" {
            try applyName(kind, subAttribute: subAttribute, value: value, to: &user)
            return
        }
        guard subAttribute == nil else { throw .invalidPath("'\(attribute.name)' has no sub-attributes.") }
        let checked = try value.map { (v) throws(SCIMError) in try AttributeValidator.validate(v, as: attribute, path: attribute.name) }
        switch (attribute.name, kind, checked) {
        case ("userName", .remove, _), ("userName", _, .null?):
            throw .invalidValue("'userName' is required and cannot be removed.")
        case ("userName", _, .string(let text)?):
            user.userName = text
        case ("active", .remove, _), ("active", _, .null?):
            throw .invalidValue("'active' cannot be removed; replace it with true or false.")
        case ("active", _, .bool(let flag)?):
            user.active = flag
        case ("externalId", .remove, _), ("externalId", _, .null?):
            user.externalID = nil
        case ("externalId", _, .string(let text)?):
            user.externalID = text
        default:
            throw .invalidValue("The value for '\(attribute.name)' is not valid.")
        }
    }

    private func applyName(
        _ kind: PatchRequest.Operation.Kind, subAttribute: String?, value: JSONValue?, to user: inout UserRecord
    ) throws(SCIMError) {
        guard let nameAttribute = Schema.user.attribute(named: "name") else { return }
        guard let subAttribute else {
            if kind == .remove {
                user.givenName = nil
                user.familyName = nil
                return
            }
            let checked = try AttributeValidator.validate(value ?? .null, as: nameAttribute, path: "name")
            guard let object = checked.objectValue else {
                if kind == .replace { (user.givenName, user.familyName) = (nil, nil) }
                return
            }
            if kind == .replace, profile == .rfc { (user.givenName, user.familyName) = (nil, nil) }
            for member in object.members {
                try applyName(kind, subAttribute: member.key, value: member.value, to: &user)
            }
            return
        }
        guard let sub = nameAttribute.subAttribute(named: subAttribute) else {
            throw .invalidPath("'name' has no sub-attribute '\(subAttribute)'.")
        }
        let checked = kind == .remove ? JSONValue.null : try AttributeValidator.validate(value ?? .null, as: sub, path: "name.\(sub.name)")
        switch sub.name {
        case "givenName": user.givenName = checked.stringValue
        case "familyName": user.familyName = checked.stringValue
        default: break
        }
    }
}
