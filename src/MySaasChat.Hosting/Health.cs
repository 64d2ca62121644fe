using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySaasChat.Contracts;
using MySaasChat.Messaging;
using StackExchange.Redis;

namespace MySaasChat.Hosting;

/// <summary>Checks are tagged "required" (503 when down) or "optional" (reported, never 503).</summary>
public static class HealthTags
{
    public const string Required = "required";
    public const string Optional = "optional";
}

public sealed class DatabaseHealthCheck(IServiceProvider services, Type contextType) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = (DbContext)scope.ServiceProvider.GetRequiredService(contextType);
        try
        {
            // A real round trip, not only opening a pooled connection.
            await db.Database.ExecuteSqlRawAsync("SELECT 1", ct);
            return HealthCheckResult.Healthy(db.Database.ProviderName);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message);
        }
    }
}

public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(3), ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message);
        }
    }
}

public sealed class RabbitMqHealthCheck(RabbitMqConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(4));
            var conn = await connection.GetConnectionAsync(timeout.Token);
            return conn.IsOpen ? HealthCheckResult.Healthy() : new HealthCheckResult(context.Registration.FailureStatus, "connection closed");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message);
        }
    }
}

public static class HealthEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task WriteLivenessAsync(HttpContext http, PlatformOptions options)
    {
        http.Response.Headers.CacheControl = "no-store";
        await http.Response.WriteAsJsonAsync(new { status = "healthy", service = options.ServiceName, version = options.Version, target = options.Target });
    }

    /// <summary>Runs every check, timing each; 503 when a required dependency is down.</summary>
    public static async Task WriteDetailedAsync(HttpContext http, PlatformOptions options, HealthCheckService health)
    {
        var started = Stopwatch.GetTimestamp();
        var report = await health.CheckHealthAsync(http.RequestAborted);
        var checks = report.Entries
            .Select(e => new DependencyHealth(
                e.Key,
                e.Value.Status == HealthStatus.Healthy ? "healthy" : e.Value.Tags.Contains(HealthTags.Required) ? "unhealthy" : "degraded",
                Math.Round(e.Value.Duration.TotalMilliseconds, 2),
                e.Value.Tags.Contains(HealthTags.Required),
                e.Value.Status == HealthStatus.Healthy ? null : e.Value.Description ?? e.Value.Exception?.Message))
            .OrderBy(c => c.Name)
            .ToList();
        var down = checks.Any(c => c.Required && c.Status != "healthy");
        var status = down ? "unhealthy" : checks.Any(c => c.Status != "healthy") ? "degraded" : "healthy";
        http.Response.StatusCode = down ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Health-Duration-Ms"] = Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
        await http.Response.WriteAsJsonAsync(new HealthReportBody(status, options.ServiceName, options.Version, checks), Json);
    }
}
