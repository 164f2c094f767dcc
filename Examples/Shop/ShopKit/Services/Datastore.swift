import Hummingbird
import Synchronization

/// A small in-memory key-value store standing in for a database.
enum Datastore {
    static func add(to router: Router<BasicRequestContext>, _ runtime: ShopRuntime) {
        let table = Mutex<[String: String]>([:])
        router.get("/kv") { request, _ -> Response in
            let key = request.query("key")
            try await work(milliseconds: 1...3)
            let value = table.withLock { $0[key] } ?? "{}"
            return JSONResponse.text(value)
        }
        router.put("/kv") { request, _ -> Response in
            let key = request.query("key")
            let body = try await request.body.collect(upTo: 64 << 10)
            try await work(milliseconds: 1...3)
            table.withLock { table in
                if table.count > 50_000 { table.removeAll() }  // bounded: this is a demo, not a database
                table[key] = String(buffer: body)
            }
            return Response(status: .noContent)
        }
    }
}
