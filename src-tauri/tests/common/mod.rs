//! The shell on Tauri's mock runtime, shared by the command tests: the app with every command
//! registered on a database file, and a call through the IPC layer exactly as the window makes it.

use flywheel_app::{attach, specta_builder, store::Store};
use serde_json::Value;
use std::path::Path;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

pub fn app(db: &Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let specta = specta_builder::<MockRuntime>();
    let app =
        mock_builder().invoke_handler(specta.invoke_handler()).build(mock_context(noop_assets())).unwrap();
    attach(&app, &specta, Store::open(db));
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    (app, window)
}

pub fn invoke(w: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    tauri::test::get_ipc_response(w, request).map(|b| b.deserialize::<Value>().unwrap())
}
