using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MySaasChat.Testing;

namespace MySaasChat.Platform.Tests;

/// <summary>What every request meets before a module sees it: headers, errors, limits, CORS, maintenance.</summary>
public sealed class EdgeTests
{
    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        await using var app = await TestApp.StartAsync();
        foreach (var path in new[] { "/health", "/api/nothing" })
        {
            var response = await app.Client.GetAsync(path);
            response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
            response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
            response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("strict-origin-when-cross-origin");
            response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
            response.Headers.Contains("Strict-Transport-Security").ShouldBeFalse("no HSTS over plain HTTP or when HSTS_MAX_AGE is 0");
        }
    }

    [Fact]
    public async Task Hsts_is_sent_over_tls_when_configured()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["HSTS_MAX_AGE"] = "31536000" });
        var https = app.CreateClient();
        https.BaseAddress = new Uri("https://localhost");
        var response = await https.GetAsync("/health");
        response.Headers.GetValues("Strict-Transport-Security").Single().ShouldBe("max-age=31536000; includeSubDomains");
        (await app.Client.GetAsync("/health")).Headers.Contains("Strict-Transport-Security").ShouldBeFalse();
    }

    [Fact]
    public async Task An_unknown_route_is_a_problem_with_a_code_and_trace_id()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Client.GetAsync("/api/does-not-exist");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var problem = await Problem(response);
        problem.GetProperty("code").GetString().ShouldBe("not_found");
        problem.GetProperty("status").GetInt32().ShouldBe(404);
        problem.GetProperty("traceId").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task An_unexpected_error_is_a_500_problem_without_internals()
    {
        await using var app = await TestApp.StartAsync(modules: [new ProbeModule()]);
        var response = await app.Client.GetAsync("/api/probe/boom");
        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldNotContain("secret internal detail");
        text.ShouldNotContain("InvalidOperationException");
        text.ShouldNotContain("   at ");
        (await Problem(response)).GetProperty("code").GetString().ShouldBe("internal_error");
    }

    [Fact]
    public async Task Malformed_json_is_a_400_naming_where_it_broke()
    {
        await using var app = await TestApp.StartAsync(modules: [new ProbeModule()]);
        var response = await app.Client.PostAsync("/api/probe/echo",
            new StringContent("""{"number": "not a number", "word": "x"}""", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await Problem(response);
        problem.GetProperty("code").GetString().ShouldBe("request.invalid_json");
        problem.GetProperty("field").GetString().ShouldBe("number");

        var truncated = await app.Client.PostAsync("/api/probe/echo", new StringContent("""{"number": 1, """, Encoding.UTF8, "application/json"));
        truncated.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem(truncated)).GetProperty("code").GetString().ShouldBe("request.invalid_json");
    }

    [Fact]
    public async Task A_missing_body_is_a_400_not_a_500()
    {
        await using var app = await TestApp.StartAsync(modules: [new ProbeModule()]);
        var response = await app.Client.PostAsync("/api/probe/echo", new StringContent("", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem(response)).GetProperty("code").GetString()!.ShouldStartWith("request.");
    }

    [Fact]
    public async Task Validation_errors_name_each_field_at_fault()
    {
        await using var app = await TestApp.StartAsync(modules: [new ProbeModule()]);
        var response = await app.Client.PostAsJsonAsync("/api/probe/notes", new { text = new string('x', 201) });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await Problem(response);
        problem.GetProperty("code").GetString().ShouldBe("validation_failed");
        problem.GetProperty("field").GetString().ShouldBe("text");
        problem.GetProperty("errors").GetProperty("text")[0].GetString()!.ShouldContain("200");

        var empty = await app.Client.PostAsJsonAsync("/api/probe/notes", new { text = "" });
        (await Problem(empty)).GetProperty("errors").GetProperty("text")[0].GetString()!.ShouldContain("required");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["MAX_REQUEST_BODY_SIZE"] = "1kb" }, modules: [new ProbeModule()]);
        var big = JsonSerializer.Serialize(new { text = new string('x', 2000) });
        var response = await app.Client.PostAsync("/api/probe/notes", new StringContent(big, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await Problem(response)).GetProperty("code").GetString().ShouldBe("request.too_large");
    }

    [Fact]
    public async Task The_rate_limit_answers_429_with_retry_after_and_spares_health()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["RATE_LIMIT_MAX_REQUESTS"] = "3",
            ["RATE_LIMIT_WINDOW_MS"] = "60000",
        });
        for (var i = 0; i < 3; i++)
        {
            var ok = await app.Client.GetAsync("/api/anything");
            ok.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            ok.Headers.GetValues("RateLimit-Remaining").Single().ShouldBe((2 - i).ToString());
        }
        var limited = await app.Client.GetAsync("/api/anything");
        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        int.Parse(limited.Headers.GetValues("Retry-After").Single()).ShouldBeInRange(1, 60);
        (await Problem(limited)).GetProperty("code").GetString().ShouldBe("rate_limited");
        (await app.Client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Maintenance_mode_turns_visitors_away_but_keeps_health_and_allowed_ips()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["MAINTENANCE_MODE"] = "true",
            ["MAINTENANCE_ALLOWED_IPS"] = "10.1.2.3",
        });
        var response = await app.Client.GetAsync("/api/anything");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await Problem(response)).GetProperty("code").GetString().ShouldBe("maintenance");
        (await app.Client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var fromAdmin = await app.Server.SendAsync(ctx =>
        {
            ctx.Request.Method = "GET";
            ctx.Request.Path = "/api/anything";
            ctx.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("10.1.2.3");
        });
        fromAdmin.Response.StatusCode.ShouldBe(404, "an allowed IP reaches the application");
    }

    [Fact]
    public async Task Cors_allows_the_configured_origin_only()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["CORS_ORIGIN"] = "https://app.example.com",
            ["CORS_CREDENTIALS"] = "true",
        });
        async Task<HttpResponseMessage> Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/api/anything");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            return await app.Client.SendAsync(request);
        }
        var allowed = await Preflight("https://app.example.com");
        allowed.Headers.GetValues("Access-Control-Allow-Origin").Single().ShouldBe("https://app.example.com");
        allowed.Headers.GetValues("Access-Control-Allow-Credentials").Single().ShouldBe("true");
        var other = await Preflight("https://evil.example.net");
        other.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }
}
