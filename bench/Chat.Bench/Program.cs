// Relay overhead of /api/chat: time to first token and tokens per second of a streamed reply through
// the chat service, against the same fake OpenAI-compatible provider called directly, at several
// concurrency levels. Run by hand:  dotnet run -c Release --project bench/Chat.Bench -- 1,100,1000
using System.Diagnostics;
using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.IdentityModel.Tokens;
using MySaasChat;

var levels = (args.Length > 0 ? args[0] : "1,100,1000").Split(',').Select(int.Parse).ToArray();
const int Tokens = 50;
var tokenDelay = TimeSpan.FromMilliseconds(10);
const string Secret = "bench-secret-0123456789abcdef0123456789abcdef";

// The fake provider: OpenAI chat completions SSE, one token every 10 ms.
var fakeBuilder = WebApplication.CreateSlimBuilder();
fakeBuilder.WebHost.UseUrls("http://127.0.0.1:0");
fakeBuilder.Logging.ClearProviders();
var fake = fakeBuilder.Build();
fake.MapPost("/v1/chat/completions", async (HttpContext http) =>
{
    http.Response.ContentType = "text/event-stream";
    for (var i = 0; i < Tokens; i++)
    {
        await Task.Delay(tokenDelay);
        await http.Response.WriteAsync($"data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"tok{i} \"}},\"finish_reason\":null}}]}}\n\n");
        await http.Response.Body.FlushAsync();
    }
    await http.Response.WriteAsync("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"bench\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":50,\"total_tokens\":60}}\n\ndata: [DONE]\n\n");
});
await fake.StartAsync();
var fakeUrl = fake.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

// The chat service on Kestrel, pointed at the fake provider.
var port = FreePort();
var dataDir = Path.Combine(Path.GetTempPath(), "chat-bench-" + Guid.NewGuid().ToString("N"));
var app = MySaasChatApp.Build(new AppArguments
{
    Port = port,
    Settings = new Dictionary<string, string?>
    {
        ["DATA_DIR"] = dataDir, ["LOG_LEVEL"] = "warn", ["JWT_SECRET"] = Secret, ["BIND_ADDRESS"] = "127.0.0.1",
        ["OPENAI_BASE_URL"] = fakeUrl + "/v1", ["OPENAI_MODEL"] = "bench", ["RATE_LIMIT_MAX_REQUESTS"] = "100000000",
    },
});
await MySaasChatApp.PrepareAsync(app);
await app.StartAsync();
var chatUrl = $"http://127.0.0.1:{port}";

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 10_000, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = TimeSpan.FromMinutes(10) };
// Many people chatting at once, not one person with 1000 tabs: one user (and token) per stream,
// since a user may run only CHAT_MAX_CONCURRENT_REPLIES replies at a time.
var failures = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

Console.WriteLine($"{Tokens} tokens per reply, {tokenDelay.TotalMilliseconds} ms apart; medians");
Console.WriteLine("streams | direct TTFT ms | relay TTFT ms | TTFT ratio | direct tok/s | relay tok/s | tok/s ratio | relay errors");
foreach (var n in levels)
{
    var direct = await RunAsync(n, _ => DirectAsync());
    var users = Enumerable.Range(0, n).Select(_ => Mint(Guid.NewGuid())).ToArray();
    var conversations = await Task.WhenAll(users.Select(CreateConversationAsync));
    var relay = await RunAsync(n, i => RelayAsync(users[i], conversations[i]));
    var (dT, dR, _) = Summary(direct);
    var (rT, rR, errors) = Summary(relay);
    Console.WriteLine($"{n,7} | {dT,13:F1} | {rT,13:F1} | {rT / dT,10:F2} | {dR,12:F1} | {rR,11:F1} | {dR / rR,11:F2} | {errors}");
}
foreach (var (reason, count) in failures)
{
    Console.WriteLine($"failed: {count} x {reason}");
}

await app.StopAsync();
await fake.StopAsync();
try { Directory.Delete(dataDir, true); } catch (IOException) { }
return;

static async Task<List<(double Ttft, double Rate, bool Ok)>> RunAsync(int n, Func<int, Task<(double, double, bool)>> one)
{
    var results = await Task.WhenAll(Enumerable.Range(0, n).Select(i => Task.Run(() => one(i))));
    return results.Select(r => (r.Item1, r.Item2, r.Item3)).ToList();
}

static (double Ttft, double Rate, int Errors) Summary(List<(double Ttft, double Rate, bool Ok)> results)
{
    var ok = results.Where(r => r.Ok).ToList();
    if (ok.Count == 0) return (double.NaN, double.NaN, results.Count);
    return (Median(ok.Select(r => r.Ttft)), Median(ok.Select(r => r.Rate)), results.Count - ok.Count);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[sorted.Length / 2];
}

async Task<(double, double, bool)> DirectAsync()
{
    using var request = new HttpRequestMessage(HttpMethod.Post, fakeUrl + "/v1/chat/completions") { Content = JsonContent.Create(new { model = "bench", stream = true }) };
    return await MeasureAsync(request, "data: {", line => line.Contains("\"content\""));
}

async Task<(double, double, bool)> RelayAsync(string token, Guid conversation)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, $"{chatUrl}/api/chat/conversations/{conversation}/messages") { Content = JsonContent.Create(new { content = "go" }) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
    return await MeasureAsync(request, "event: delta", _ => true);
}

async Task<(double, double, bool)> MeasureAsync(HttpRequestMessage request, string prefix, Func<string, bool> isToken)
{
    try
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var reason = $"{request.RequestUri!.Host}:{request.RequestUri.Port} {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            failures.AddOrUpdate(reason.Length > 200 ? reason[..200] : reason, 1, (_, c) => c + 1);
            return (0, 0, false);
        }
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        double? first = null;
        var count = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal) || !isToken(line)) continue;
            first ??= Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            count++;
        }
        var total = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return count == 0 ? (0, 0, false) : (first!.Value, count / ((total - first.Value) / 1000.0), true);
    }
    catch (HttpRequestException ex)
    {
        failures.AddOrUpdate(ex.Message, 1, (_, c) => c + 1);
        return (0, 0, false);
    }
}

async Task<Guid> CreateConversationAsync(string token)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, $"{chatUrl}/api/chat/conversations") { Content = JsonContent.Create(new { title = "bench" }) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request);
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
}

static string Mint(Guid userId)
{
    var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret));
    var now = DateTime.UtcNow;
    var jwt = new JwtSecurityToken("mysaaschat", "mysaaschat",
        [new Claim("sub", userId.ToString()), new Claim("email", "bench@example.com"), new Claim("role", "user"), new Claim("plan", "enterprise"),
         new Claim("sid", Guid.NewGuid().ToString()), new Claim("jti", Guid.NewGuid().ToString())],
        now, now.AddHours(1), new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
    return new JwtSecurityTokenHandler().WriteToken(jwt);
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
