import SCIMTestSupport
import Testing

/// `/ServiceProviderConfig` and `/ResourceTypes` as Postman serves them.
struct DiscoveryTests {
    @Test("ServiceProviderConfig matches Postman's, on our base URL")
    func serviceProviderConfig() throws {
        let fixture = try TeamServer()

        let response = try fixture.client.get("/scim/v2/ServiceProviderConfig", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        expectSCIMContentType(response)
        let config = response.json
        #expect(
            config.keys == [
                "schemas", "documentationUri", "patch", "bulk", "filter", "changePassword", "sort", "etag",
                "authenticationSchemes", "meta",
            ])
        #expect(config["schemas"].strings == ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"])
        #expect(
            config["documentationUri"].string
                == "https://learning.postman.com/docs/administration/managing-your-team/configuring-scim")
        #expect(config["patch"].description == #"{"supported":true}"#)
        #expect(config["bulk"].description == #"{"supported":false,"maxOperations":0,"maxPayloadSize":0}"#)
        #expect(config["filter"].description == #"{"supported":true,"maxResults":100}"#)
        #expect(config["changePassword"].description == #"{"supported":false}"#)
        #expect(config["sort"].description == #"{"supported":false}"#)
        #expect(config["etag"].description == #"{"supported":false}"#)
        let scheme = config["authenticationSchemes"]
        #expect(scheme.count == 1)
        #expect(scheme[0]["name"].string == "OAuth Bearer Token")
        #expect(scheme[0]["description"].string == "Authentication scheme using the OAuth Bearer Token Standard")
        #expect(scheme[0]["specUri"].string == "http://www.rfc-editor.org/info/rfc6750")
        #expect(scheme[0]["type"].string == "oauthbearertoken")
        #expect(config["meta"].keys == ["resourceType", "location"])
        #expect(config["meta"]["resourceType"].string == "ServiceProviderConfig")
        #expect(config["meta"]["location"].string == "\(fixture.server.origin)/scim/v2/ServiceProviderConfig")
    }

    @Test("ResourceTypes is a bare array of User and Group")
    func resourceTypes() throws {
        let fixture = try TeamServer()

        let response = try fixture.client.get("/scim/v2/ResourceTypes", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        expectSCIMContentType(response)
        let types = try #require(response.json.array, "\(response)")
        #expect(types.count == 2)
        let user = response.json[0]
        #expect(user["id"].string == "User")
        #expect(user["name"].string == "User")
        #expect(user["endpoint"].string == "/Users")
        #expect(user["description"].string == "User Account")
        #expect(user["schema"].string == "urn:ietf:params:scim:schemas:core:2.0:User")
        #expect(user["schemaExtensions"].count == 1)
        #expect(
            user["schemaExtensions"][0]["schema"].string == "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        )
        #expect(user["schemaExtensions"][0]["required"].bool == true)
        let group = response.json[1]
        #expect(group["id"].string == "Group")
        #expect(group["name"].string == "Group")
        #expect(group["endpoint"].string == "/Groups")
        #expect(group["description"].string == "Group")
        #expect(group["schema"].string == "urn:ietf:params:scim:schemas:core:2.0:Group")
        #expect((group["schemaExtensions"].count ?? 0) == 0)
        for type in types where !type["meta"].isMissing {
            #expect(type["meta"]["resourceType"].string == "ResourceType")
            #expect(type["meta"]["location"].string?.hasPrefix("http") == true)
        }
    }

    @Test("--base-url sets meta.location and Location")
    func baseURLSetsLocation() throws {
        let fixture = try TeamServer(serveArguments: ["--base-url", "https://scim.example.test/tenant/scim/v2"])

        let config = try fixture.client.get("/scim/v2/ServiceProviderConfig", key: fixture.adminKey).json
        let created = try fixture.client.post(
            "/scim/v2/Users", key: fixture.adminKey,
            json: UserJSON.create(userName: "alice@acme.test", givenName: "A", familyName: "B"))

        #expect(config["meta"]["location"].string == "https://scim.example.test/tenant/scim/v2/ServiceProviderConfig")
        let id = try #require(created.json["id"].string, "\(created)")
        #expect(created.header("Location") == "https://scim.example.test/tenant/scim/v2/Users/\(id)")
    }

    @Test("discovery requires a key", arguments: ["/scim/v2/ServiceProviderConfig", "/scim/v2/ResourceTypes"])
    func discoveryRequiresKey(path: String) throws {
        let fixture = try TeamServer()

        let response = try fixture.client.get(path, key: nil)

        expectSCIMError(response, status: 401, detail: PostmanDetail.invalidKey)
    }
}
