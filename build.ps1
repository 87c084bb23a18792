<#
.SYNOPSIS
    Builds the Gasleser module into out/Gasleser/; with -Test runs the tests; with -Package makes the gallery package.
.DESCRIPTION
    A convenience wrapper for PowerShell users around the .NET SDK, which does all the work:
    'dotnet build' stages the importable module folder, 'dotnet test' runs the xunit suite.
    Where Pester 5 is installed, -Test also runs tests/*.Tests.ps1.
.EXAMPLE
    ./build.ps1
    Import-Module ./out/Gasleser/Gasleser.psd1
.EXAMPLE
    ./build.ps1 -Test
.EXAMPLE
    ./build.ps1 -Package -Configuration Release
    # out/package/Gasleser/<version>/ (the layout Install-Module creates) and out/package/Gasleser.<version>.nupkg
#>
[CmdletBinding()]
param(
    [switch] $Test,
    [switch] $Package,
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug'
)

$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

dotnet build Gasleser.sln -c $Configuration
if ($LASTEXITCODE -ne 0) { throw "dotnet build failed ($LASTEXITCODE)." }
Write-Host "Module staged in $(Join-Path $PSScriptRoot 'out/Gasleser')"

if ($Test) {
    dotnet test Gasleser.sln -c $Configuration --no-build
    if ($LASTEXITCODE -ne 0) { throw "dotnet test failed ($LASTEXITCODE)." }

    $pester = Get-Module Pester -ListAvailable | Where-Object { $_.Version.Major -ge 5 } | Select-Object -First 1
    $pesterTests = Get-ChildItem (Join-Path $PSScriptRoot 'tests') -Filter *.Tests.ps1 -ErrorAction SilentlyContinue
    if ($pester -and $pesterTests) {
        Import-Module $pester
        $result = Invoke-Pester -Path $pesterTests.FullName -Output Detailed -PassThru
        if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
    }
    elseif ($pesterTests) {
        Write-Warning 'Pester 5 is not installed: the Pester suite was not run (Install-Module Pester -MinimumVersion 5.0).'
    }
}

if ($Package) {
    dotnet msbuild src/Gasleser/Gasleser.csproj -t:Package -p:Configuration=$Configuration -nologo
    if ($LASTEXITCODE -ne 0) { throw "packaging failed ($LASTEXITCODE)." }
}
