/// Group helpers for end-to-end tests.
extension TeamServer {
    /// Starts a server in `profile` (`postman` or `rfc`) with further `serve` arguments.
    package convenience init(profile: String, _ extraArguments: [String] = []) throws {
        try self.init(serveArguments: ["--profile", profile] + extraArguments)
    }

    /// Creates a group with `POST /scim/v2/Groups` and returns its id; throws unless the status is 201.
    @discardableResult
    package func createGroup(_ displayName: String, memberIDs: [String] = [], externalId: String? = nil) throws
        -> String
    {
        let json = GroupJSON.create(displayName: displayName, memberIDs: memberIDs, externalId: externalId)
        let response = try client.post("/scim/v2/Groups", key: adminKey, json: json)
        guard response.status == 201, let id = response.json["id"].string else {
            throw TestSetupError("creating group \(displayName) failed: \(response)")
        }
        return id
    }

    /// Returns `GET /scim/v2/Groups/{id}` with the admin's key.
    package func getGroup(_ id: String, query: String = "") throws -> HTTPClientResponse {
        try client.get("/scim/v2/Groups/\(id)\(query)", key: adminKey)
    }

    /// Returns the member ids of a group, read with `GET /scim/v2/Groups/{id}`.
    package func memberIDs(ofGroup id: String) throws -> [String] {
        let response = try getGroup(id)
        guard response.status == 200, let members = response.json["members"].array else {
            throw TestSetupError("reading the members of group \(id) failed: \(response)")
        }
        return members.compactMap { $0["value"].string }
    }

    /// Sends `PATCH /scim/v2/Groups/{id}` with the given operations, each already JSON text.
    package func patchGroup(_ id: String, query: String = "", _ operations: String...) throws -> HTTPClientResponse {
        let body = "{\"schemas\":[\"\(UserJSON.patchSchema)\"],\"Operations\":[\(operations.joined(separator: ","))]}"
        return try client.patch("/scim/v2/Groups/\(id)\(query)", key: adminKey, json: body)
    }
}
