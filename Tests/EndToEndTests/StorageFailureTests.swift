import SCIMTestSupport
import Testing

/// Real storage faults, injected into the database while the server runs. Each gets the 500 text of
/// its endpoint and leaves nothing half written.
struct StorageFailureTests {
    func startTeam() throws -> (fixture: TeamServer, id: String) {
        let fixture = try TeamServer()
        let id = try fixture.createUser("alice@acme.test", givenName: "Alice", familyName: "Example")
        return (fixture, id)
    }

    @Test("GET /Users fails with Postman's list text")
    func listFailure() throws {
        let (fixture, _) = try startTeam()
        let fault = try fixture.store.hideTable(StoreProbe.Table.users)

        let response = try fixture.client.get("/scim/v2/Users", key: fixture.adminKey)

        try fault.undo()
        expectSCIMError(response, status: 500, detail: PostmanDetail.fetchMembersFailed)
        for driverText in ["sqlite", "postgres", "no such table", "does not exist"] {
            #expect(!response.text.lowercased().contains(driverText))
        }
        #expect(try fixture.client.get("/scim/v2/Users", key: fixture.adminKey).status == 200)
    }

    @Test("GET /Users/{id} fails with Postman's fetch text")
    func getFailure() throws {
        let (fixture, id) = try startTeam()
        let fault = try fixture.store.hideTable(StoreProbe.Table.users)

        let response = try fixture.client.get("/scim/v2/Users/\(id)", key: fixture.adminKey)

        try fault.undo()
        expectSCIMError(response, status: 500, detail: PostmanDetail.fetchUserFailed)
        #expect(try fixture.getUser(id).status == 200)
    }

    @Test("POST failing midway rolls back the insert")
    func createRollsBack() throws {
        let (fixture, _) = try startTeam()
        let database = try fixture.store.snapshot()
        // Creating a user inserts its row and then updates the team's counters, so failing the
        // second statement shows whether the first is undone.
        let fault = try fixture.store.failStatements("UPDATE", on: StoreProbe.Table.teams)
        let body = UserJSON.create(userName: "bob@acme.test", givenName: "Bob", familyName: "Example")

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: body)

        try fault.undo()
        expectSCIMError(response, status: 500, detail: PostmanDetail.updateFailed)
        #expect(try fixture.store.snapshot() == database)
        #expect(try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: body).status == 201)
    }

    @Test("POST fails when the insert fails")
    func createFailure() throws {
        let (fixture, _) = try startTeam()
        let database = try fixture.store.snapshot()
        let fault = try fixture.store.failStatements("INSERT", on: StoreProbe.Table.users)
        let body = UserJSON.create(userName: "bob@acme.test", givenName: "Bob", familyName: "Example")

        let response = try fixture.client.post("/scim/v2/Users", key: fixture.adminKey, json: body)

        try fault.undo()
        expectSCIMError(response, status: 500, detail: PostmanDetail.updateFailed)
        #expect(try fixture.store.snapshot() == database)
    }

    @Test("PATCH failing midway rolls back the update")
    func deactivationRollsBack() throws {
        // Deactivating updates the user row and then the team's counters, so failing the second
        // statement shows whether the first is undone.
        let (fixture, id) = try startTeam()
        let state = try UnchangedState(fixture, userID: id)
        let fault = try fixture.store.failStatements("UPDATE", on: StoreProbe.Table.teams)

        let response = try fixture.client.patch(
            "/scim/v2/Users/\(id)", key: fixture.adminKey,
            json: UserJSON.patch(
                #"{"op":"replace","path":"name.givenName","value":"Half"}"#,
                #"{"op":"replace","path":"active","value":false}"#))

        try fault.undo()
        expectSCIMError(response, status: 500, detail: PostmanDetail.updateFailed)
        try state.expectUnchanged()
    }

    @Test("PATCH fails with Postman's update text and changes nothing")
    func patchFailure() throws {
        let (fixture, id) = try startTeam()
        let state = try UnchangedState(fixture, userID: id)
        let fault = try fixture.store.failStatements("UPDATE", on: StoreProbe.Table.users)
        let body = UserJSON.patch(#"{"op":"replace","path":"externalId","value":"x"}"#)

        let response = try fixture.client.patch("/scim/v2/Users/\(id)", key: fixture.adminKey, json: body)

        try fault.undo()
        expectSCIMError(response, status: 500, detail: PostmanDetail.updateFailed)
        try state.expectUnchanged()
        #expect(try fixture.client.patch("/scim/v2/Users/\(id)", key: fixture.adminKey, json: body).status == 200)
    }

    @Test("a 500 logs an error line without the request body")
    func failureIsLogged() throws {
        let (fixture, id) = try startTeam()
        let fault = try fixture.store.failStatements("UPDATE", on: StoreProbe.Table.users)
        let body = UserJSON.patch(#"{"op":"replace","path":"externalId","value":"logged-secret-3310"}"#)

        let response = try fixture.client.patch("/scim/v2/Users/\(id)", key: fixture.adminKey, json: body)
        try fault.undo()
        let errorLogged = fixture.server.waitForLog(containing: " error ")
        _ = fixture.server.waitForLog(containing: "http.status=500")

        #expect(response.status == 500)
        #expect(errorLogged, "\(fixture.server.log)")
        #expect(!fixture.server.log.contains("logged-secret-3310"))
    }
}
