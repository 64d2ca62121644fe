using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using MySaasChat.Messaging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace MySaasChat.Hosting;

/// <summary>What every host of the program gets, whatever its target: one call to add, one to use.</summary>
public static class ServiceDefaults
{
    public const string MeterPrefix = "MySaasChat";

    public static bool IsOperationalPath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, PlatformOptions options, SubscriptionCatalog catalog)
    {
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBodySize;
        });

        AddLogging(builder, options);
        AddTelemetry(builder, options);

        services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);

        services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (options.CorsOrigins.Contains("*")) p.AllowAnyOrigin();
            else p.WithOrigins([.. options.CorsOrigins]);
            p.AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After");
            if (options.CorsCredentials) p.AllowCredentials();
        }));

        if (options.TrustProxy)
        {
            services.Configure<ForwardedHeadersOptions>(o =>
            {
                o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
                o.KnownIPNetworks.Clear();
                o.KnownProxies.Clear();
            });
        }

        var health = services.AddHealthChecks();
        var hybrid = services.AddHybridCache(o => o.DefaultEntryOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(5), LocalCacheExpiration = TimeSpan.FromMinutes(1) });
        if (options.Redis is not null)
        {
            var redis = ConnectionMultiplexer.Connect(options.Redis.Clone());
            services.AddSingleton<IConnectionMultiplexer>(redis);
            services.AddStackExchangeRedisCache(o =>
            {
                o.ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(redis);
                o.InstanceName = options.RedisKeyPrefix + "cache:";
            });
            services.AddSingleton<IRateLimitStore, RedisRateLimitStore>();
            health.AddCheck<RedisHealthCheck>("redis", HealthStatus.Unhealthy, [HealthTags.Required], TimeSpan.FromSeconds(5));
        }
        else
        {
            services.AddSingleton<IRateLimitStore, InMemoryRateLimitStore>();
        }
        services.AddSingleton<RateLimiter>();

        RabbitMqOptions? rabbit = options.RabbitMqUrl is null ? null : new RabbitMqOptions
        {
            Url = options.RabbitMqUrl,
            ClientName = options.ServiceName,
            Exchange = options.RabbitMqPrefix + ".events",
            DeadLetterExchange = options.RabbitMqPrefix + ".dead-letter",
            QueuePrefix = options.RabbitMqPrefix + ".",
        };
        services.AddMessaging(catalog, rabbit);
        if (rabbit is not null)
        {
            health.AddCheck<RabbitMqHealthCheck>("rabbitmq", HealthStatus.Unhealthy, [HealthTags.Required], TimeSpan.FromSeconds(5));
        }
        return builder;
    }

    private static void AddLogging(WebApplicationBuilder builder, PlatformOptions options)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        var level = Enum.Parse<LogLevel>(options.LogLevel);
        builder.Logging.SetMinimumLevel(level);
        // EF Core logs every command at Information; that belongs to debug logging.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", level < LogLevel.Warning ? LogLevel.Warning : level);
        builder.Logging.AddFilter("Microsoft.AspNetCore", level < LogLevel.Warning ? LogLevel.Warning : level);
        if (options.SentryDsn is not null)
        {
            builder.WebHost.UseSentry(o =>
            {
                o.Dsn = options.SentryDsn;
                o.Environment = options.Environment;
                o.Release = $"mysaaschat@{options.Version}";
                o.SendDefaultPii = false;
                o.TracesSampleRate = 0;
            });
        }
    }

    private static void AddTelemetry(WebApplicationBuilder builder, PlatformOptions options)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName, serviceVersion: options.Version)
                .AddAttributes([new("deployment.environment", options.Environment), new("mysaaschat.target", options.Target)]))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("System.Runtime", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections", "Microsoft.EntityFrameworkCore")
                .AddMeter(MeterPrefix + ".*", MessagingTelemetry.Name)
                .AddPrometheusExporter())
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = http => !IsOperationalPath(http.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddEntityFrameworkCoreInstrumentation()
                    .AddSource(MeterPrefix + ".*", MessagingTelemetry.Name, "Npgsql");
                if (options.OtlpEndpoint is not null)
                {
                    t.AddOtlpExporter(o => o.Endpoint = new Uri(options.OtlpEndpoint));
                }
            });
        _ = otel;
    }

    /// <summary>The middleware order every host shares, then /health, /health/detailed and /metrics.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<PlatformOptions>();
        if (options.TrustProxy)
        {
            app.UseForwardedHeaders();
        }
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<MaintenanceMiddleware>();
        app.Use(async (http, next) =>
        {
            // Refuse a declared oversized body before reading it; Kestrel also stops undeclared ones mid-stream.
            if (http.Request.ContentLength > options.MaxRequestBodySize)
            {
                await Problems.Result(StatusCodes.Status413PayloadTooLarge, "request.too_large", "Request body too large",
                    $"The body may be at most {options.MaxRequestBodySize} bytes.").ExecuteAsync(http);
                return;
            }
            await next(http);
        });
        app.UseCors();
        app.UseMiddleware<RateLimitMiddleware>();
        if (app.Services.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>() is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        app.MapGet("/health", (HttpContext http) => HealthEndpoints.WriteLivenessAsync(http, options)).ExcludeFromDescription();
        app.MapGet("/health/detailed", (HttpContext http, HealthCheckService health) => HealthEndpoints.WriteDetailedAsync(http, options, health)).ExcludeFromDescription();
        // nginx routes /api/<service>/health to the service: the checklist's gateway check.
        foreach (var prefix in new[] { "auth", "chat", "billing", "analytics", "notifications", "orchestrator" })
        {
            app.MapGet($"/api/{prefix}/health", (HttpContext http) => HealthEndpoints.WriteLivenessAsync(http, options)).ExcludeFromDescription();
        }
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
