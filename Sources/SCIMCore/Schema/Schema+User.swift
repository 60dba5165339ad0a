extension Schema {
    package static let userURN = "urn:ietf:params:scim:schemas:core:2.0:User"
    package static let enterpriseUserURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    package static let groupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"

    /// The attributes every resource has (RFC 7643 §3.1).
    package static let commonAttributes: [SchemaAttribute] = [
        SchemaAttribute(
            "id", .string, caseExact: true, mutability: .readOnly, returned: .always, uniqueness: .server),
        SchemaAttribute("externalId", .string, caseExact: true),
        SchemaAttribute(
            "meta", .complex, mutability: .readOnly,
            subAttributes: [
                SchemaAttribute("resourceType", .string, caseExact: true, mutability: .readOnly),
                SchemaAttribute("created", .dateTime, mutability: .readOnly),
                SchemaAttribute("lastModified", .dateTime, mutability: .readOnly),
                SchemaAttribute(
                    "location", .reference, caseExact: true, mutability: .readOnly, referenceTypes: ["uri"]),
                SchemaAttribute("version", .string, caseExact: true, mutability: .readOnly),
            ]),
    ]

    /// The User schema of RFC 7643 §4.1.
    package static let user = Schema(
        id: userURN, name: "User",
        attributes: [
            SchemaAttribute("userName", .string, required: true, uniqueness: .server),
            SchemaAttribute(
                "name", .complex,
                subAttributes: [
                    "formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix",
                ]
                .map { SchemaAttribute($0, .string) }),
            SchemaAttribute("displayName", .string),
            SchemaAttribute("nickName", .string),
            SchemaAttribute("profileUrl", .reference, referenceTypes: ["external"]),
            SchemaAttribute("title", .string),
            SchemaAttribute("userType", .string),
            SchemaAttribute("preferredLanguage", .string),
            SchemaAttribute("locale", .string),
            SchemaAttribute("timezone", .string),
            SchemaAttribute("active", .boolean),
            SchemaAttribute("password", .string, mutability: .writeOnly, returned: .never),
            multiValued("emails", valueType: .string, types: ["work", "home", "other"]),
            multiValued(
                "phoneNumbers", valueType: .string, types: ["work", "home", "mobile", "fax", "pager", "other"]),
            multiValued(
                "ims", valueType: .string, types: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]),
            multiValued("photos", valueType: .reference, types: ["photo", "thumbnail"], referenceTypes: ["external"]),
            SchemaAttribute(
                "addresses", .complex, multiValued: true,
                subAttributes: ["formatted", "streetAddress", "locality", "region", "postalCode", "country"]
                    .map { SchemaAttribute($0, .string) } + [
                        SchemaAttribute("type", .string, canonicalValues: ["work", "home", "other"]),
                        SchemaAttribute("primary", .boolean),
                    ]),
            SchemaAttribute(
                "groups", .complex, multiValued: true, mutability: .readOnly,
                subAttributes: [
                    SchemaAttribute("value", .string, mutability: .readOnly),
                    SchemaAttribute("$ref", .reference, mutability: .readOnly, referenceTypes: ["User", "Group"]),
                    SchemaAttribute("display", .string, mutability: .readOnly),
                    SchemaAttribute("type", .string, mutability: .readOnly, canonicalValues: ["direct", "indirect"]),
                ]),
            multiValued("entitlements", valueType: .string, types: []),
            multiValued("roles", valueType: .string, types: []),
            multiValued("x509Certificates", valueType: .binary, types: []),
        ] + commonAttributes)

    /// The enterprise User extension of RFC 7643 §4.3.
    package static let enterpriseUser = Schema(
        id: enterpriseUserURN, name: "EnterpriseUser",
        attributes: ["employeeNumber", "costCenter", "organization", "division", "department"]
            .map { SchemaAttribute($0, .string) } + [
                SchemaAttribute(
                    "manager", .complex,
                    subAttributes: [
                        SchemaAttribute("value", .string),
                        SchemaAttribute("$ref", .reference, referenceTypes: ["User"]),
                        SchemaAttribute("displayName", .string, mutability: .readOnly),
                    ])
            ])

    /// A multi-valued attribute with the `value`, `display`, `type` and `primary` sub-attributes of
    /// RFC 7643 §2.4.
    private static func multiValued(
        _ name: String, valueType: SchemaAttribute.DataType, types: [String], referenceTypes: [String] = []
    ) -> SchemaAttribute {
        SchemaAttribute(
            name, .complex, multiValued: true,
            subAttributes: [
                SchemaAttribute("value", valueType, referenceTypes: referenceTypes),
                SchemaAttribute("display", .string),
                SchemaAttribute("type", .string, canonicalValues: types),
                SchemaAttribute("primary", .boolean),
            ])
    }
}
