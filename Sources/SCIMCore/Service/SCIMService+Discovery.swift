extension SCIMService {
    /// Returns `/ServiceProviderConfig` (RFC 7643 §5): what the server supports, as the profile offers it.
    package func serviceProviderConfig(context: RequestContext) -> JSONValue {
        let unsupported = JSONValue.object(JSONObject([("supported", .bool(false))]))
        return .object(
            JSONObject([
                ("schemas", .array([.string("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig")])),
                ("documentationUri", .string(documentationURI)),
                ("patch", .object(JSONObject([("supported", .bool(true))]))),
                (
                    "bulk",
                    .object(
                        JSONObject([
                            ("supported", .bool(false)), ("maxOperations", .integer(0)), ("maxPayloadSize", .integer(0)),
                        ]))
                ),
                (
                    "filter",
                    .object(JSONObject([("supported", .bool(true)), ("maxResults", .integer(Int64(Self.maxPageSize)))]))
                ),
                ("changePassword", unsupported),
                ("sort", unsupported),
                ("etag", unsupported),
                (
                    "authenticationSchemes",
                    .array([
                        .object(
                            JSONObject([
                                ("name", .string("OAuth Bearer Token")),
                                ("description", .string("Authentication scheme using the OAuth Bearer Token Standard")),
                                ("specUri", .string("http://www.rfc-editor.org/info/rfc6750")),
                                ("type", .string("oauthbearertoken")),
                            ]))
                    ])
                ),
                (
                    "meta",
                    .object(
                        JSONObject([
                            ("resourceType", .string("ServiceProviderConfig")),
                            ("location", .string("\(context.baseURL)/ServiceProviderConfig")),
                        ]))
                ),
            ]))
    }

    /// Returns `/ResourceTypes` (RFC 7643 §6) as a bare array of User and Group, the shape Postman serves.
    package func resourceTypes(context: RequestContext) -> JSONValue {
        .array([
            resourceType(
                id: "User", endpoint: "/Users", description: "User Account", schema: Schema.userURN,
                extensions: [Schema.enterpriseUserURN], context: context),
            resourceType(
                id: "Group", endpoint: "/Groups", description: "Group", schema: Schema.groupURN, extensions: [],
                context: context),
        ])
    }

    private var documentationURI: String {
        switch profile {
        case .postman: "https://learning.postman.com/docs/administration/managing-your-team/configuring-scim"
        case .rfc: "https://www.rfc-editor.org/rfc/rfc7644"
        }
    }

    private func resourceType(
        id: String, endpoint: String, description: String, schema: String, extensions: [String],
        context: RequestContext
    ) -> JSONValue {
        var object = JSONObject([
            ("schemas", .array([.string("urn:ietf:params:scim:schemas:core:2.0:ResourceType")])),
            ("id", .string(id)),
            ("name", .string(id)),
            ("endpoint", .string(endpoint)),
            ("description", .string(description)),
            ("schema", .string(schema)),
        ])
        if !extensions.isEmpty {
            // Postman declares the enterprise extension required, although no response carries it.
            let required = profile == .postman
            object.set(
                "schemaExtensions",
                .array(extensions.map { .object(JSONObject([("schema", .string($0)), ("required", .bool(required))])) }))
        }
        object.set(
            "meta",
            .object(
                JSONObject([
                    ("resourceType", .string("ResourceType")),
                    ("location", .string("\(context.baseURL)/ResourceTypes/\(id)")),
                ])))
        return .object(object)
    }
}
