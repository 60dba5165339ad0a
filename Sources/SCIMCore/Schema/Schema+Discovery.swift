extension Schema {
    /// Returns the schema resource of RFC 7643 §7, built from this definition.
    package func resource(baseURL: String) -> JSONValue {
        .object(
            JSONObject([
                ("schemas", .array([.string("urn:ietf:params:scim:schemas:core:2.0:Schema")])),
                ("id", .string(id)),
                ("name", .string(name)),
                ("description", .string(description)),
                (
                    "attributes",
                    .array(attributes.filter { !Self.commonNames.contains($0.name) }.map { $0.definition() })
                ),
                (
                    "meta",
                    .object(
                        JSONObject([
                            ("resourceType", .string("Schema")),
                            ("location", .string("\(baseURL)/Schemas/\(id)")),
                        ]))
                ),
            ]))
    }

    /// The attributes of RFC 7643 §3.1 that every resource has; §7 leaves them out of schema resources.
    private static let commonNames: Set<String> = ["id", "externalId", "meta"]

    private var description: String {
        switch id {
        case Self.userURN: "User Account"
        case Self.groupURN: "Group"
        case Self.enterpriseUserURN: "Enterprise User"
        default: name
        }
    }
}

extension SchemaAttribute {
    /// Returns the attribute definition of RFC 7643 §7.
    func definition() -> JSONValue {
        var object = JSONObject([
            ("name", .string(name)),
            ("type", .string(type.rawValue)),
            ("multiValued", .bool(multiValued)),
            ("description", .string(name)),
            ("required", .bool(required)),
        ])
        if type == .string || type == .reference || type == .binary {
            object.set("caseExact", .bool(caseExact))
        }
        if type == .reference {
            object.set(
                "referenceTypes", .array((referenceTypes.isEmpty ? ["external"] : referenceTypes).map { .string($0) }))
        }
        if !canonicalValues.isEmpty {
            object.set("canonicalValues", .array(canonicalValues.map { .string($0) }))
        }
        if !subAttributes.isEmpty {
            object.set("subAttributes", .array(subAttributes.map { $0.definition() }))
        }
        object.set("mutability", .string(mutability.rawValue))
        object.set("returned", .string(returned.rawValue))
        object.set("uniqueness", .string(uniqueness.rawValue))
        return .object(object)
    }
}
