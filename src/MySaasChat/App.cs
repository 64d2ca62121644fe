using Microsoft.AspNetCore.TestHost;
using MySaasChat.Hosting;
using MySaasChat.Messaging;
using Scalar.AspNetCore;

namespace MySaasChat;

/// <summary>How the program was asked to run: from the command line, or from a test.</summary>
public sealed record AppArguments
{
    public string? Target { get; init; }
    public int? Port { get; init; }
    /// <summary>Settings that override the environment (tests use these instead of environment variables).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
    /// <summary>Replaces the program's modules (tests add probe modules).</summary>
    public IReadOnlyList<IModule>? Modules { get; init; }
    /// <summary>Serve from an in-memory test server instead of Kestrel.</summary>
    public bool UseTestServer { get; init; }
    public Action<WebApplicationBuilder>? Configure { get; init; }
}

/// <summary>Composes the web application for a target: service defaults, then the target's modules.</summary>
public static class MySaasChatApp
{
    public static WebApplication Build(AppArguments args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(args.Settings);
        var options = PlatformOptions.Load(builder.Configuration, args.Target, args.Port);
        Directory.CreateDirectory(options.DataDir);

        var modules = args.Modules ?? ProgramModules.All();
        var active = modules.Where(m => options.IsAll || m.Target == options.Target).ToList();
        var catalog = new SubscriptionCatalog();
        foreach (var module in modules)
        {
            var runsHere = active.Contains(module);
            module.AddSubscriptions(catalog, runsHere ? builder.Services : null);
            if (runsHere)
            {
                catalog.Activate(module.Name);
            }
        }

        builder.AddServiceDefaults(options, catalog);
        builder.Services.AddPlatformAuthentication(JwtOptions.Load(builder.Configuration, options));
        builder.Services.AddOpenApi();
        builder.Services.AddSingleton<IReadOnlyList<IModule>>(active);
        foreach (var module in active)
        {
            module.AddServices(builder, options);
        }

        if (args.UseTestServer)
        {
            builder.WebHost.UseTestServer();
        }
        else
        {
            var bind = new Settings(builder.Configuration).String("BIND_ADDRESS") ?? "0.0.0.0";
            builder.WebHost.UseUrls($"http://{(bind.Contains(':') ? $"[{bind}]" : bind)}:{options.Port}");
        }
        args.Configure?.Invoke(builder);
        if (options.IsAll && !args.UseTestServer)
        {
            builder.WebHost.UseStaticWebAssets(); // the web app's files from the build output (a no-op once published)
        }

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapOpenApi("/api/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/docs", o => o.WithOpenApiRoutePattern("/api/openapi/{documentName}.json").WithTitle("My-SaaS-Chat API"));
        foreach (var module in active)
        {
            module.MapEndpoints(app);
        }
        // The web app (target all): its files, and index.html for every page path; unknown /api paths stay 404 problems.
        var webAssets = Path.Combine(AppContext.BaseDirectory, $"{app.Environment.ApplicationName}.staticwebassets.endpoints.json");
        if (options.IsAll && File.Exists(webAssets))
        {
            app.MapStaticAssets(webAssets);
            app.MapFallback("/api/{**rest}", () => Problems.NotFound("not_found", "Endpoint"));
            app.MapFallbackToFile("index.html", new StaticFileOptions { OnPrepareResponse = c => c.Context.Response.Headers.CacheControl = "no-cache" });
        }
        return app;
    }

    /// <summary>
    /// Before serving: migrate when MIGRATE_ON_START, else refuse to run on an outdated schema.
    /// A database that is still starting is waited for; one that refuses us stops start-up, naming the variable.
    /// </summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken ct = default)
    {
        var options = app.Services.GetRequiredService<PlatformOptions>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MySaasChat.Startup");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                if (options.MigrateOnStart)
                {
                    await Persistence.MigrateAllAsync(app.Services, options, logger, ct);
                }
                else
                {
                    await Persistence.EnsureUpToDateAsync(app.Services, ct);
                }
                return;
            }
            catch (Exception ex) when (Persistence.IsTransient(ex) && DateTime.UtcNow < deadline)
            {
                logger.LogWarning("Database not reachable yet ({Error}); retrying", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
            catch (Exception ex) when (ex is not StartupException && ex is not OperationCanceledException)
            {
                throw new StartupException(options.Database == DatabaseProvider.Postgres ? options.DatabaseVariable : "DATA_DIR",
                    $"the database cannot be used: {ex.Message}", ex);
            }
        }
    }
}

/// <summary>Start-up failed for a reason an operator can fix; the message names the variable.</summary>
public sealed class StartupException(string variable, string message, Exception? inner = null) : Exception($"{variable}: {message}", inner)
{
    public string Variable { get; } = variable;
}
