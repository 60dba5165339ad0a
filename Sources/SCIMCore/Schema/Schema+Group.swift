extension Schema {
    /// Entra ID's group schema URN, which it sends beside the core one and which carries nothing scimd
    /// stores.
    package static let entraGroupURN = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"

    /// The Group schema of RFC 7643 §4.2.
    package static let group = Schema(
        id: groupURN, name: "Group",
        attributes: [
            // RFC 7643 §4.2 requires displayName. scimd keeps it unique per team, without regard to case.
            SchemaAttribute("displayName", .string, required: true, uniqueness: .server),
            SchemaAttribute(
                "members", .complex, multiValued: true,
                subAttributes: [
                    SchemaAttribute("value", .string, caseExact: true, mutability: .immutable),
                    // Members are users only: RFC 7643 §4.2 leaves nested groups to the service provider.
                    SchemaAttribute(
                        "$ref", .reference, caseExact: true, mutability: .immutable, referenceTypes: ["User"]),
                    // RFC 7643 §2.4 makes `display` immutable: a client may set it when it adds the member.
                    SchemaAttribute("display", .string, mutability: .immutable),
                    SchemaAttribute("type", .string, mutability: .immutable, canonicalValues: ["User"]),
                ]),
        ] + commonAttributes)
}
