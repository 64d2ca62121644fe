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
}
