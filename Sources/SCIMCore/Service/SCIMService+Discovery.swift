extension SCIMService {
    /// Returns `/ServiceProviderConfig` (RFC 7643 §5): what the server supports, as the profile offers it.
    package func serviceProviderConfig(context: RequestContext) -> JSONValue {
        let unsupported = JSONValue.object(JSONObject([("supported", .bool(false))]))
        let config = JSONValue.object(
            JSONObject([
                ("schemas", .array([.string("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig")])),
                ("documentationUri", .string(documentationURI)),
                ("patch", .object(JSONObject([("supported", .bool(true))]))),
                ("bulk", bulkSupport),
                (
                    "filter",
                    .object(
                        JSONObject([("supported", .bool(true)), ("maxResults", .integer(Int64(Self.maxPageSize)))]))
                ),
                ("changePassword", unsupported),
                ("sort", .object(JSONObject([("supported", .bool(profile == .rfc))]))),
                ("etag", .object(JSONObject([("supported", .bool(profile == .rfc))]))),
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
        // Postman's document has no pagination block, so only the rfc profile adds one (RFC 9865 §4).
        guard profile == .rfc, case .object(var object) = config else { return config }
        object.members.insert(("pagination", pagination), at: 5)
        return .object(object)
    }

    /// The `pagination` block (RFC 9865 §4): index and cursor pages, index by default, so clients that
    /// send neither `startIndex` nor `cursor` get the pages they always got.
    private var pagination: JSONValue {
        .object(
            JSONObject([
                ("cursor", .bool(true)),
                ("index", .bool(true)),
                ("defaultPaginationMethod", .string("index")),
                ("defaultPageSize", .integer(Int64(Self.maxPageSize))),
                ("maxPageSize", .integer(Int64(Self.maxPageSize))),
                ("cursorTimeout", .integer(Int64(cursorTimeoutSeconds))),
            ]))
    }

    /// Returns `/ResourceTypes` (RFC 7643 §6): a bare array of User and Group in the `postman` profile,
    /// the shape Postman serves, and a ListResponse in the `rfc` profile, like every other query that
    /// returns several resources (the form scim2-tester reads).
    package func resourceTypesListing(context: RequestContext) -> JSONValue {
        let types = resourceTypes(context: context)
        guard profile == .rfc, case .array(let items) = types else { return types }
        return listResponse(total: items.count, startIndex: 1, count: items.count, resources: items)
    }

    /// Returns the User and Group resource types as an array.
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

    /// The schemas the server serves, core schemas first.
    package static let servedSchemas: [Schema] = [.user, .enterpriseUser, .group]

    /// Returns `/Schemas` (RFC 7644 §4) as a ListResponse (`rfc` profile).
    package func schemas(context: RequestContext) -> JSONValue {
        let resources = Self.servedSchemas.map { $0.resource(baseURL: context.baseURL) }
        return listResponse(total: resources.count, startIndex: 1, count: resources.count, resources: resources)
    }

    /// Returns one schema by its URN, compared without regard to case.
    /// - Throws: 404 for an unknown URN.
    package func schema(id: String, context: RequestContext) throws(SCIMError) -> JSONValue {
        guard let schema = Self.servedSchemas.first(where: { $0.id.lowercased() == id.lowercased() }) else {
            throw .notFound("No schema has the id '\(id.prefix(200))'.")
        }
        return schema.resource(baseURL: context.baseURL)
    }

    /// Returns one resource type by name (`User` or `Group`).
    /// - Throws: 404 for an unknown name.
    package func resourceType(name: String, context: RequestContext) throws(SCIMError) -> JSONValue {
        guard case .array(let types) = resourceTypes(context: context),
            let match = types.first(where: { $0.objectValue?["id"]?.stringValue == name })
        else { throw .notFound("No resource type is named '\(name.prefix(200))'.") }
        return match
    }

    /// The `bulk` block: Postman offers none; the `rfc` profile advertises its real limits.
    private var bulkSupport: JSONValue {
        let offered = profile == .rfc
        return .object(
            JSONObject([
                ("supported", .bool(offered)),
                ("maxOperations", .integer(offered ? Int64(Self.maxBulkOperations) : 0)),
                ("maxPayloadSize", .integer(offered ? Int64(maxPayloadBytes) : 0)),
            ]))
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
                .array(
                    extensions.map { .object(JSONObject([("schema", .string($0)), ("required", .bool(required))])) }))
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
