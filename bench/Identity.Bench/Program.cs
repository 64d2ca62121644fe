// Identity benchmark, run by hand:  dotnet run -c Release --project bench/Identity.Bench [-- seconds concurrency]
// Reports sign-in cost and GET /api/auth/me throughput as ratios to GET /health measured in the same run,
// so the numbers compare across machines. Runs the real program on an in-memory server (embedded defaults).
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MySaasChat.Testing;

var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
var concurrency = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 8;

await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
{
    ["AUTH_RATE_LIMIT_MAX_REQUESTS"] = "100000000",
    ["RATE_LIMIT_MAX_REQUESTS"] = "100000000",
    ["LOG_LEVEL"] = "error",
});

const string password = "Blue-Harbor-Lantern-42";
var email = $"bench-{Guid.NewGuid():N}@example.com";
var signup = await app.Client.PostAsJsonAsync("/api/auth/signup", new { email, password, name = "Bench" });
signup.EnsureSuccessStatusCode();
var token = (await signup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

async Task<(double PerSecond, double MeanMs)> Throughput(string name, Func<HttpClient, Task<HttpResponseMessage>> call, double runFor, int workers)
{
    for (var i = 0; i < 20; i++) (await call(app.Client)).EnsureSuccessStatusCode(); // warm-up
    var count = 0L;
    var totalTicks = 0L;
    var deadline = Stopwatch.GetTimestamp() + (long)(runFor * Stopwatch.Frequency);
    var wall = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
    {
        using var client = app.CreateClient();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await call(client);
            response.EnsureSuccessStatusCode();
            Interlocked.Add(ref totalTicks, Stopwatch.GetTimestamp() - started);
            Interlocked.Increment(ref count);
        }
    }));
    var perSecond = count / wall.Elapsed.TotalSeconds;
    var meanMs = totalTicks / (double)count / Stopwatch.Frequency * 1000;
    Console.WriteLine($"{name,-22} {count,8} requests  {perSecond,10:F0} req/s  mean {meanMs,8:F2} ms");
    return (perSecond, meanMs);
}

Console.WriteLine($"Identity benchmark: {seconds} s per measurement, {concurrency} concurrent clients, {Environment.ProcessorCount} cores");
var health = await Throughput("GET /health", c => c.GetAsync("/health"), seconds, concurrency);
var me = await Throughput("GET /api/auth/me", c =>
{
    var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    return c.SendAsync(request);
}, seconds, concurrency);
// Sign-in is dominated by Argon2id; one client at a time gives its cost, not the machine's queueing.
var signIn = await Throughput("POST /api/auth/signin", c => c.PostAsJsonAsync("/api/auth/signin", new { email, password }), seconds, 1);
var healthSerial = await Throughput("GET /health (1 client)", c => c.GetAsync("/health"), seconds, 1);

Console.WriteLine();
Console.WriteLine($"GET /me throughput   = {me.PerSecond / health.PerSecond:P0} of GET /health");
Console.WriteLine($"sign-in latency      = {signIn.MeanMs / healthSerial.MeanMs:F0} x GET /health latency ({signIn.MeanMs:F0} ms, mostly the Argon2id hash)");
