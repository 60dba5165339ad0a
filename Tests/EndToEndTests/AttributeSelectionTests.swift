import SCIMTestSupport
import Testing

/// The `attributes` and `excludedAttributes` query parameters (RFC 7644 §3.4.2.5), which select the
/// members of each returned resource and never those of the ListResponse around them.
struct AttributeSelectionTests {
    func startTeam() throws -> (fixture: TeamServer, id: String) {
        let fixture = try TeamServer()
        let id = try fixture.createUser("alice@acme.test", givenName: "Alice", familyName: "Example", externalId: "e1")
        return (fixture, id)
    }

    @Test("attributes selects members of one user")
    func attributesOnOneUser() throws {
        let (fixture, id) = try startTeam()

        let response = try fixture.client.get("/scim/v2/Users/\(id)?attributes=userName", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json.keys == ["schemas", "id", "userName"])
    }

    @Test("attributes with a sub-attribute keeps only that sub-attribute")
    func attributesWithSubAttribute() throws {
        let (fixture, id) = try startTeam()

        let response = try fixture.client.get(
            "/scim/v2/Users/\(id)?attributes=name.givenName,externalId", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json.keys == ["schemas", "id", "name", "externalId"])
        #expect(response.json["name"].keys == ["givenName"])
    }

    @Test("excludedAttributes removes members of one user")
    func excludedAttributesOnOneUser() throws {
        let (fixture, id) = try startTeam()

        let response = try fixture.client.get("/scim/v2/Users/\(id)?excludedAttributes=name", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["name"].isMissing)
        #expect(response.json["userName"].string == "alice@acme.test")
    }

    @Test("attributes on a list keeps the ListResponse members")
    func attributesOnList() throws {
        let (fixture, _) = try startTeam()

        let response = try fixture.client.get("/scim/v2/Users?attributes=userName", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json.keys == ["schemas", "totalResults", "startIndex", "itemsPerPage", "Resources"])
        #expect(response.json["totalResults"].int == 2)
        let resources = response.json["Resources"].array ?? []
        #expect(resources.count == 2)
        for resource in resources {
            #expect(resource.keys == ["schemas", "id", "userName"], "\(resource)")
        }
    }

    @Test("excludedAttributes on a list applies to each resource")
    func excludedAttributesOnList() throws {
        let (fixture, _) = try startTeam()

        let response = try fixture.client.get("/scim/v2/Users?excludedAttributes=name", key: fixture.adminKey)

        #expect(response.status == 200, "\(response)")
        #expect(response.json["totalResults"].int == 2)
        let alice = response.json["Resources"].array?.first { $0["userName"].string == "alice@acme.test" }
        #expect(alice?["name"].isMissing == true, "\(response)")
        #expect(alice?["externalId"].string == "e1")
    }
}
