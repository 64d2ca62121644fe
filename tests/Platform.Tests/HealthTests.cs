using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MySaasChat.Testing;

namespace MySaasChat.Platform.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Liveness_names_the_service_and_version()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Client.GetAsync("/health");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("healthy");
        body.GetProperty("service").GetString().ShouldBe("mysaaschat");
        body.GetProperty("version").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_separate_target_names_itself()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["RABBITMQ_URL"] = "amqp://guest:guest@127.0.0.1:1/",
            ["REDIS_URL"] = "redis://127.0.0.1:1",
            ["JWT_SECRET"] = "0123456789abcdef0123456789abcdef-x",
        }, target: "billing");
        var body = await app.Client.GetFromJsonAsync<JsonElement>("/health");
        body.GetProperty("service").GetString().ShouldBe("mysaaschat-billing");
    }

    [Fact]
    public async Task Detailed_health_reports_each_database_with_its_latency()
    {
        await using var app = await TestApp.StartAsync(modules: [new ProbeModule()]);
        var response = await app.Client.GetAsync("/health/detailed");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("healthy");
        var check = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database:probe");
        check.GetProperty("status").GetString().ShouldBe("healthy");
        check.GetProperty("required").GetBoolean().ShouldBeTrue();
        check.GetProperty("latencyMs").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task Detailed_health_is_503_when_a_required_dependency_is_down()
    {
        // Nothing listens on port 1: Redis and RabbitMQ are both unreachable.
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["REDIS_URL"] = "redis://127.0.0.1:1",
            ["RABBITMQ_URL"] = "amqp://guest:guest@127.0.0.1:1/",
        });
        var response = await app.Client.GetAsync("/health/detailed");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("unhealthy");
        var names = body.GetProperty("checks").EnumerateArray()
            .Where(c => c.GetProperty("status").GetString() == "unhealthy")
            .Select(c => c.GetProperty("name").GetString()).ToList();
        names.ShouldContain("redis");
        names.ShouldContain("rabbitmq");
        // Liveness stays up: the process itself is fine.
        (await app.Client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Metrics_are_in_prometheus_text_format_with_http_and_runtime_metrics()
    {
        await using var app = await TestApp.StartAsync();
        await app.Client.GetAsync("/api/nothing-here");
        var response = await app.Client.GetAsync("/metrics");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("# TYPE http_server_request_duration_seconds histogram");
        text.ShouldContain("dotnet_gc_collections_total");
        text.ShouldContain("dotnet_process_memory_working_set_bytes");
        text.ShouldContain("service_name=\"mysaaschat\"");
    }
}
