using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using MySaasChat.Web;
using MySaasChat.Web.Api;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// The API lives at the same origin as the app (nginx or the `all` target route /api/* to it).
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) });
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddScoped<AuthSession>();
builder.Services.AddScoped<ConnectionState>();
builder.Services.AddScoped<ApiClient>();
builder.Services.AddScoped<AuthApi>();
builder.Services.AddScoped<ChatApi>();
builder.Services.AddScoped<ConversationList>();
builder.Services.AddScoped<LiveUpdates>();

await builder.Build().RunAsync();
